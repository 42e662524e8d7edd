package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.Await;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dates through the whole pipeline: signed webhooks (the real HTTP API event shape) into the real webhook,
 * transform and deliver handlers over ElasticMQ, DynamoDB Local and moto, delivering to a fake API on loopback.
 * Days that do not exist (February 30th, February 29th of a common year) and Unix milliseconds finer than a
 * nanosecond each land in the transform DLQ with a reason naming field, value and format, and are never
 * delivered; the valid record of the same run is delivered with its dates exact.
 */
class DatesEndToEndTest {

    static final String WEBHOOK_KEY = "dates-e2e-webhook-key-3f9c";

    static AwsEmulators aws;
    static FakeApi api;
    static LocalFerry ferry;

    @BeforeAll
    static void start() {
        aws = AwsEmulators.builder().visibilityTimeoutSeconds(2).maxReceiveCount(5).start();
        api = FakeApi.start();
        aws.putSecret("ferry/dates/webhook", "{\"key\":\"" + WEBHOOK_KEY + "\"}");
        api.on("PUT", "/orders/*", r -> FakeApi.Reply.json(200, "{\"ok\":true}"));
        Map<String, String> settings = new HashMap<>();
        settings.put("dates.api.url", api.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, WebhookEvents.REPO.resolve("local/src/test/resources/date-integrations").toString());
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.put(FerryConfig.MAX_ATTEMPTS, "2");
        ferry = new LocalFerry(aws, settings).startPollers();
    }

    @AfterAll
    static void stop() {
        if (ferry != null) ferry.close();
        if (api != null) api.close();
        if (aws != null) aws.close();
    }

    static void post(String id, String body) throws IOException {
        JsonNode answer = ferry.invokeWebhook(Json.write(WebhookEvents.signed("dates-orders", body, "d-" + id, "dates", WEBHOOK_KEY)));
        assertThat(answer.get("statusCode").asInt()).as(answer.toString()).isEqualTo(202);
    }

    @Test
    void impossibleDatesAreDeadLetteredWithTheirReasonAndTheValidRecordIsDelivered() throws IOException {
        post("o-1", "{\"id\":\"o-1\",\"due\":\"29.02.2024\",\"placed\":\"2024-03-31 02:30:00\",\"paid\":1709200800123.456}");
        post("o-2", "{\"id\":\"o-2\",\"due\":\"30.02.2024\",\"placed\":\"2024-02-01 09:00:00\"}");
        post("o-3", "{\"id\":\"o-3\",\"due\":\"01.03.2023\",\"placed\":\"2023-02-29 10:00:00\"}");
        post("o-4", "{\"id\":\"o-4\",\"due\":\"31.04.2024\",\"placed\":\"2024-04-30 10:00:00\"}");
        post("o-5", "{\"id\":\"o-5\",\"due\":\"01.03.2024\",\"placed\":\"2024-03-01 10:00:00\",\"paid\":1709200800123.4567891}");

        assertThat(api.awaitRequests("PUT", "/orders/", 1, Duration.ofSeconds(30))).isTrue();
        assertThat(Await.quiet(aws, Duration.ofSeconds(30), FerryConfig.Queue.TRANSFORM, FerryConfig.Queue.DELIVER))
                .as("pipeline queues drained").isTrue();

        List<RecordedRequest> puts = api.requests("PUT", "/orders/");
        assertThat(puts).extracting(RecordedRequest::path).containsExactly("/orders/o-1");
        assertThat(Json.MAPPER.readTree(puts.getFirst().body())).isEqualTo(Json.MAPPER.readTree("""
                {"order_id": "o-1", "due_on": "2024-02-29", "placed_at": "2024-03-31T03:30:00+02:00",
                 "paid_at": "2024-02-29T05:00:00.123456-05:00"}
                """));

        Map<String, String> reasons = aws.drain(FerryConfig.Queue.TRANSFORM_DLQ).stream().map(DatesEndToEndTest::envelope)
                .collect(Collectors.toMap(e -> e.get("recordId").asText(), e -> {
                    JsonNode failure = e.get("failures").get(0);
                    assertThat(failure.get("step").asText()).isEqualTo("transform");
                    assertThat(failure.get("kind").asText()).as("no retry can make the day exist").isEqualTo("permanent");
                    assertThat(e.get("failures")).hasSize(1);
                    return failure.get("reason").asText();
                }));
        assertThat(reasons).containsOnlyKeys("o-2", "o-3", "o-4", "o-5");
        assertThat(reasons.get("o-2")).isEqualTo("mapping failed for record o-2: field 'due_on' (from /due): '30.02.2024'"
                + " is not a date in format dd.MM.yyyy: Invalid date 'FEBRUARY 30'");
        assertThat(reasons.get("o-3")).isEqualTo("mapping failed for record o-3: field 'placed_at' (from /placed): '2023-02-29"
                + " 10:00:00' is not a datetime in format yyyy-MM-dd HH:mm:ss: Invalid date 'February 29' as '2023' is not a leap year");
        assertThat(reasons.get("o-4")).contains("field 'due_on' (from /due): '31.04.2024' is not a date in format dd.MM.yyyy")
                .contains("Invalid date 'APRIL 31'");
        assertThat(reasons.get("o-5")).contains("field 'paid_at' (from /paid): '1709200800123.4567891' is not a datetime in format"
                + " unix-millis: more decimal places than unix-millis can hold (6");
        assertThat(aws.depth(FerryConfig.Queue.DELIVER_DLQ)).isZero();
    }

    @Test
    void theSpecsExamplesHold() {
        var specs = dev.ferry.shared.spec.IntegrationRegistry.load(new dev.ferry.shared.spec.SpecLoader(
                k -> java.util.Optional.ofNullable(k.equals("dates.api.url") ? api.baseUrl() : null), true),
                List.of(WebhookEvents.REPO.resolve("local/src/test/resources/date-integrations")));
        var results = new dev.ferry.shared.mapping.ExampleRunner().run(specs.all().iterator().next());
        assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r.problem()).as(r.example()).isNull());
    }

    static JsonNode envelope(Message message) {
        try {
            return Json.MAPPER.readTree(message.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
