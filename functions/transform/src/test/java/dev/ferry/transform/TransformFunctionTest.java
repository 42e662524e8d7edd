package dev.ferry.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FunctionTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The transform function inside Quarkus, fed the sample SQS event through the mock event server. */
@QuarkusTest
@QuarkusTestResource(value = FunctionTestResource.class, restrictToAnnotatedClass = true)
class TransformFunctionTest {

    @Test
    void sampleEventIsMappedAndQueuedForDelivery() throws Exception {
        AwsEmulators aws = FunctionTestResource.emulators();
        aws.reset();
        String event = Files.readString(Path.of("../../events/transform-sqs.json"));

        String answer = given().contentType("application/json").body(event).when().post()
                .then().statusCode(200).extract().asString();

        assertThat(Json.MAPPER.readTree(answer).get("batchItemFailures")).isEmpty();
        List<Message> queued = aws.drain(FerryConfig.Queue.DELIVER);
        assertThat(queued).hasSize(1);
        JsonNode payload = Json.MAPPER.readTree(queued.getFirst().body()).get("payload");
        assertThat(payload).isEqualTo(Json.MAPPER.readTree(
                "{\"customer_id\":\"c-1001\",\"full_name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"plan\":\"pro\","
                        + "\"billing\":{\"city\":\"London\",\"country\":\"GB\"},\"source\":\"sandbox\"}"));
    }
}
