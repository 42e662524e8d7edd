package dev.ferry.deliver;

import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FunctionTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The deliver function inside Quarkus: the sample SQS event reaches the destination once, even twice sent. */
@QuarkusTest
@QuarkusTestResource(value = FunctionTestResource.class, restrictToAnnotatedClass = true)
class DeliverFunctionTest {

    @Test
    void sampleEventIsDeliveredOnceWithIdempotencyKey() throws Exception {
        AwsEmulators aws = FunctionTestResource.emulators();
        aws.reset();
        aws.putSecret("ferry/sandbox/billing", "{\"apiKey\":\"deliver-fn-key\"}");
        FakeApi billing = FunctionTestResource.destination();
        billing.reset();
        billing.on("PUT", "/customers/*", r -> FakeApi.Reply.json(200, "{\"ok\":true}"));
        String event = Files.readString(Path.of("../../events/deliver-sqs.json"));

        for (int i = 0; i < 2; i++) {
            String answer = given().contentType("application/json").body(event).when().post()
                    .then().statusCode(200).extract().asString();
            assertThat(Json.MAPPER.readTree(answer).get("batchItemFailures")).isEmpty();
        }

        assertThat(billing.requests("PUT", "/customers/c-1001")).hasSize(1);
        var put = billing.requests().getFirst();
        assertThat(put.header("X-Api-Key")).isEqualTo("deliver-fn-key");
        assertThat(put.header("Idempotency-Key")).isEqualTo("sandbox-contacts:c-1001@2026-11-20T10:00:00Z");
    }
}
