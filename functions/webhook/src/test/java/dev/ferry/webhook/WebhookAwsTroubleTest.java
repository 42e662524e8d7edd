package dev.ferry.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.LocalLambdaContext;
import dev.ferry.webhook.WebhookHostileRequestsTest.Draft;
import dev.ferry.webhook.WebhookHostileRequestsTest.Scheme;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one case a webhook is answered 5xx: Ferry itself cannot take the record (SQS, DynamoDB or Secrets Manager
 * unreachable), so the sender must retry. A valid, signed request then gets a 503 with a reason, never an exception.
 */
class WebhookAwsTroubleTest {

    static AwsEmulators aws;
    static Path specs;
    static String closed;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        aws = AwsEmulators.start();
        specs = dir;
        Files.writeString(specs.resolve(Scheme.GITHUB.integration + ".yaml"), Scheme.GITHUB.spec());
        aws.putSecret("ferry/fuzz/" + Scheme.GITHUB.integration,
                Json.write(JsonNodeFactory.instance.objectNode().put("key", Scheme.GITHUB.key)));
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = "http://127.0.0.1:" + socket.getLocalPort(); // nothing listens here once the socket is closed
        }
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqs", "dynamodb", "secretsmanager"})
    void aServiceFerryNeedsBeingDownIsA503WithAReason(String service) throws Exception {
        Map<String, String> config = new HashMap<>(aws.config());
        config.put(FerryConfig.LOCAL_MODE, "true");
        config.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        config.put(FerryConfig.ENDPOINT_PREFIX + service, closed);
        WebhookFunction function = new WebhookFunction(new FerryRuntime(FerryConfig.of(config),
                Clock.fixed(WebhookHostileRequestsTest.NOW, ZoneOffset.UTC)).webhookStep());
        byte[] valid = new Draft(Scheme.GITHUB, new Random(7)).build();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(valid), out, new LocalLambdaContext("ferry-webhook"));

        JsonNode answer = Json.MAPPER.readTree(out.toByteArray());
        assertThat(answer.get("statusCode").asInt()).as(service + " down").isEqualTo(503);
        assertThat(Json.MAPPER.readTree(answer.get("body").asText()).get("error").asText()).as(service + " down")
                .isNotBlank().doesNotContain(Scheme.GITHUB.key);
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM)).isZero();
    }
}
