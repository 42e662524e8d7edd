package dev.ferry.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
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

    @Test
    void aLookupInsideTheFunctionUsesSecretsBudgetsAndItsCache() throws Exception {
        AwsEmulators aws = FunctionTestResource.emulators();
        aws.reset();
        aws.putSecret("ferry/billing/api", "{\"token\":\"transform-fn-token\"}");
        FakeApi billing = FunctionTestResource.destination();
        billing.reset();
        billing.on("GET", "/v1/users", r -> FakeApi.Reply.json(200, "{\"data\":[{\"id\":\"7\"}]}"));
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(Files.readString(Path.of("../../events/transform-sqs.json")));
        ObjectNode record = (ObjectNode) event.get("Records").get(0);
        ArrayNode records = event.putArray("Records");
        for (String id : new String[] {"601", "602"}) {
            ObjectNode copy = record.deepCopy();
            copy.put("messageId", "m-" + id);
            copy.put("body", Json.write(Json.MAPPER.readTree("""
                    {"version":1,"integration":"crm-contacts","recordId":"%s","idempotencyKey":"%s@1","traceId":"t-%s",
                     "attempt":0,"payload":{"id":"%s","properties":{"email":"c%s@example.com","owner_email":"Grace@Example.com"}},
                     "failures":[]}
                    """.formatted(id, id, id, id, id))));
            ((ObjectNode) copy.get("messageAttributes").get("ferry-integration")).put("stringValue", "crm-contacts");
            records.add(copy);
        }

        String answer = given().contentType("application/json").body(Json.write(event)).when().post()
                .then().statusCode(200).extract().asString();

        assertThat(Json.MAPPER.readTree(answer).get("batchItemFailures")).isEmpty();
        List<Message> queued = aws.drain(FerryConfig.Queue.DELIVER);
        assertThat(queued).hasSize(2);
        for (Message m : queued) {
            assertThat(Json.MAPPER.readTree(m.body()).at("/payload/account_manager_id").asInt()).isEqualTo(7);
        }
        assertThat(billing.requests("GET", "/v1/users")).as("two records, one owner: one GET").hasSize(1);
        var get = billing.requests().getFirst();
        assertThat(get.header("Authorization")).isEqualTo("Bearer transform-fn-token");
        assertThat(get.queryParam("email")).contains("grace@example.com");
    }
}
