package dev.ferry.testing;

import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.config.FerryConfig.Queue;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Quarkus test resource, driven by hand; also proves the defaults and that close() stops all three servers. */
class FerryEmulatorsResourceTest {

    @Test
    void startsOnceWithDefaultsAndStopsEverything() {
        FerryEmulatorsResource resource = new FerryEmulatorsResource();
        resource.init(Map.of());
        Map<String, String> config;
        AwsEmulators aws;
        try {
            config = resource.start();
            aws = FerryEmulatorsResource.emulators();
            assertThat(config).containsEntry(FerryConfig.RETRY_BASE_DELAY, "0").containsAllEntriesOf(aws.config());
            assertThat(resource.start()).isEqualTo(config);
            assertThat(FerryEmulatorsResource.emulators()).isSameAs(aws);

            Map<QueueAttributeName, String> attributes = aws.sqs().getQueueAttributes(r -> r.queueUrl(aws.queueUrl(Queue.FETCH))
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY, QueueAttributeName.VISIBILITY_TIMEOUT)).attributes();
            assertThat(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("30");
            assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY)).contains("\"maxReceiveCount\":5");
            assertThat(aws.motoLog()).exists().hasParent(java.nio.file.Path.of("target").toAbsolutePath());
        } finally {
            resource.stop();
        }
        assertThatThrownBy(FerryEmulatorsResource::emulators).isInstanceOf(IllegalStateException.class);

        for (int port : new int[]{aws.sqsPort(), aws.dynamoDbPort(), aws.secretsManagerPort()}) {
            assertThat(listening(port)).as("port %d still answers", port).isFalse();
        }
        String motoPort = Integer.toString(aws.secretsManagerPort());
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                        .map(args -> java.util.List.of(args).contains(motoPort)).orElse(false)))
                .as("moto_server process").isEmpty();
        resource.stop(); // a second stop is harmless
    }

    @Test
    void functionTestResourceAddsASourceAndADestinationApi() throws Exception {
        FunctionTestResource resource = new FunctionTestResource();
        resource.init(Map.of("visibilityTimeoutSeconds", "3"));
        String sourceUrl;
        String destinationUrl;
        try {
            Map<String, String> config = resource.start();
            assertThat(config).containsEntry(FerryConfig.RETRY_BASE_DELAY, "0")
                    .containsEntry("sandbox.crm.url", FunctionTestResource.source().baseUrl())
                    .containsEntry("sandbox.billing.url", FunctionTestResource.destination().baseUrl())
                    .containsKey(Queue.DELIVER.key());
            assertThat(FunctionTestResource.emulators().visibilityTimeoutSeconds()).isEqualTo(3);
            sourceUrl = FunctionTestResource.source().baseUrl();
            destinationUrl = FunctionTestResource.destination().baseUrl();
            assertThat(sourceUrl).isNotEqualTo(destinationUrl);
            FunctionTestResource.destination().on("PUT", "/customers/*", FakeApi.Reply.status(204));
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(destinationUrl + "/customers/c-1")).PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            assertThat(response.statusCode()).isEqualTo(204);
        } finally {
            resource.stop();
        }
        assertThatThrownBy(FunctionTestResource::source).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(FunctionTestResource::emulators).isInstanceOf(IllegalStateException.class);
        assertThat(listening(java.net.URI.create(sourceUrl).getPort())).isFalse();
        assertThat(listening(java.net.URI.create(destinationUrl).getPort())).isFalse();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
