package dev.ferry.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.secrets.WebhookSignature;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FunctionTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The webhook function inside Quarkus, invoked through Quarkus' mock Lambda event server. */
@QuarkusTest
@QuarkusTestResource(value = FunctionTestResource.class, restrictToAnnotatedClass = true)
class WebhookFunctionTest {

    static final String KEY = "webhook-fn-test-key";

    AwsEmulators aws;

    @BeforeEach
    void secrets() {
        aws = FunctionTestResource.emulators();
        aws.reset();
        aws.putSecret("ferry/sandbox/webhook", "{\"key\":\"" + KEY + "\"}");
    }

    static ObjectNode sampleEvent(String deliveryId) throws Exception {
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(Files.readString(Path.of("../../events/webhook-http-api.json")));
        ObjectNode headers = (ObjectNode) event.get("headers");
        headers.put("x-sandbox-delivery", deliveryId);
        headers.put("x-sandbox-signature", "sha256=" + WebhookSignature.hexHmacSha256(KEY,
                event.get("body").asText().getBytes(StandardCharsets.UTF_8)));
        return event;
    }

    static JsonNode invoke(ObjectNode event) throws Exception {
        String answer = given().contentType("application/json").body(Json.write(event)).when().post()
                .then().statusCode(200).extract().asString();
        return Json.MAPPER.readTree(answer);
    }

    @Test
    void signedSampleEventIsQueuedForTransform() throws Exception {
        JsonNode answer = invoke(sampleEvent("d-fn-1"));

        assertThat(answer.get("statusCode").asInt()).isEqualTo(202);
        List<Message> queued = aws.drain(FerryConfig.Queue.TRANSFORM);
        assertThat(queued).hasSize(1);
        JsonNode envelope = Json.MAPPER.readTree(queued.getFirst().body());
        assertThat(envelope.get("integration").asText()).isEqualTo("sandbox-contacts");
        assertThat(envelope.get("recordId").asText()).isEqualTo("c-1001");
        assertThat(envelope.get("payload").get("email").asText()).isEqualTo("ada@example.com");
        assertThat(queued.getFirst().messageAttributes().get(QueueSender.ATTR_TRACE_ID).stringValue())
                .isEqualTo(envelope.get("traceId").asText());
    }

    @Test
    void tamperedBodyIsRefusedAndNothingQueued() throws Exception {
        ObjectNode event = sampleEvent("d-fn-2");
        event.put("body", event.get("body").asText().replace("pro", "enterprise"));

        JsonNode answer = invoke(event);

        assertThat(answer.get("statusCode").asInt()).isEqualTo(401);
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM)).isZero();
    }
}
