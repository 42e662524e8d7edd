package dev.ferry.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FunctionTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The fetch function inside Quarkus: both of its triggers, from the sample events. */
@QuarkusTest
@QuarkusTestResource(value = FunctionTestResource.class, restrictToAnnotatedClass = true)
class FetchFunctionTest {

    static final String CONTACT = "{\"id\":\"c-1001\",\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\","
            + "\"updated_at\":\"2026-11-20T10:00:00Z\"}";

    AwsEmulators aws;
    FakeApi crm;

    @BeforeEach
    void setUp() {
        aws = FunctionTestResource.emulators();
        aws.reset();
        aws.putSecret("ferry/sandbox/crm", "{\"token\":\"fetch-fn-token\"}");
        crm = FunctionTestResource.source();
        crm.reset();
    }

    @Test
    void scheduledEventPollsTheSourceAndQueuesEveryRecord() throws Exception {
        crm.on("GET", "/contacts", r -> "Bearer fetch-fn-token".equals(r.header("Authorization"))
                ? FakeApi.Reply.json(200, "{\"data\":[" + CONTACT + "," + CONTACT.replace("c-1001", "c-1002") + "]}")
                : FakeApi.Reply.json(401, "{}"));

        String answer = given().contentType("application/json").body(Files.readString(Path.of("../../events/fetch-schedule.json")))
                .when().post().then().statusCode(200).extract().asString();

        assertThat(Json.MAPPER.readTree(answer).get("queued").asInt()).isEqualTo(2);
        List<Message> queued = aws.drain(FerryConfig.Queue.TRANSFORM);
        assertThat(queued).extracting(m -> Json.MAPPER.readTree(m.body()).get("recordId").asText())
                .containsExactlyInAnyOrder("c-1001", "c-1002");
    }

    @Test
    void fetchRequestGetsTheRecordById() throws Exception {
        crm.on("GET", "/contacts/c-1001", r -> FakeApi.Reply.json(200, CONTACT));

        String answer = given().contentType("application/json").body(Files.readString(Path.of("../../events/fetch-sqs.json")))
                .when().post().then().statusCode(200).extract().asString();

        assertThat(Json.MAPPER.readTree(answer).get("batchItemFailures")).isEmpty();
        List<Message> queued = aws.drain(FerryConfig.Queue.TRANSFORM);
        assertThat(queued).hasSize(1);
        JsonNode envelope = Json.MAPPER.readTree(queued.getFirst().body());
        assertThat(envelope.get("payload").get("email").asText()).isEqualTo("ada@example.com");
        assertThat(envelope.get("idempotencyKey").asText()).isEqualTo("c-1001@2026-11-20T10:00:00Z");
        assertThat(envelope.get("source").get("thin").asBoolean()).isFalse();
    }
}
