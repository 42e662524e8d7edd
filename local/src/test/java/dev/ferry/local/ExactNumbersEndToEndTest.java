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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * High-precision amounts through the real webhook, transform and deliver handlers, over ElasticMQ, DynamoDB Local and
 * moto, to a ledger API on loopback: the raw request body the destination receives holds the exact digits
 * (specs in {@code local/src/test/resources/number-integrations}).
 */
class ExactNumbersEndToEndTest {

    static final String WEBHOOK_KEY = "numbers-webhook-key-3c9e";

    static AwsEmulators aws;
    static FakeApi ledger;
    static LocalFerry ferry;

    @BeforeAll
    static void start() {
        aws = AwsEmulators.builder().visibilityTimeoutSeconds(5).maxReceiveCount(3).start();
        ledger = FakeApi.start();
        aws.putSecret("ferry/numbers/webhook", "{\"key\":\"" + WEBHOOK_KEY + "\"}");
        Map<String, String> settings = new HashMap<>();
        settings.put("numbers.api.url", ledger.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR,
                PipelineEndToEndTest.REPO.resolve("local/src/test/resources/number-integrations").toString());
        settings.put(FerryConfig.LOCAL_MODE, "true");
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        ferry = new LocalFerry(aws, settings).startPollers();
    }

    @AfterAll
    static void stop() {
        if (ferry != null) ferry.close();
        if (ledger != null) ledger.close();
        if (aws != null) aws.close();
    }

    @BeforeEach
    void reset() {
        aws.reset();
        aws.putSecret("ferry/numbers/webhook", "{\"key\":\"" + WEBHOOK_KEY + "\"}");
        ledger.reset();
        ledger.on("PUT", "/entries/*", FakeApi.Reply.json(200, "{\"ok\":true}"));
        ledger.on("POST", "/entries/batch", FakeApi.Reply.json(200, "{\"ok\":true}"));
    }

    static int webhook(String integration, String body, String deliveryId) throws IOException {
        JsonNode answer = ferry.invokeWebhook(Json.write(WebhookEvents.signed(integration, body, deliveryId, "numbers", WEBHOOK_KEY)));
        return answer.get("statusCode").asInt();
    }

    static void awaitQuiet() {
        assertThat(Await.quiet(aws, Duration.ofSeconds(30), FerryConfig.Queue.TRANSFORM, FerryConfig.Queue.DELIVER))
                .as("pipeline queues drained").isTrue();
    }

    static String raw(RecordedRequest request) {
        return new String(request.body(), StandardCharsets.UTF_8);
    }

    static String deadLetters() {
        return aws.drain(FerryConfig.Queue.TRANSFORM_DLQ).stream().map(Message::body).toList() + " "
                + aws.drain(FerryConfig.Queue.DELIVER_DLQ).stream().map(Message::body).toList();
    }

    static final String THIRTY_DIGITS = "123456789012345678901234567890";

    @Test
    void theDestinationReceivesEveryDigitOfHighPrecisionAmounts() throws IOException {
        String body = "{\"id\":\"n-1\",\"amount\":12345678901234567.895,\"token_amount\":0.123456789012345678,"
                + "\"dust\":0.000000000000000001,\"supply\":" + THIRTY_DIGITS + ",\"wei\":\"" + THIRTY_DIGITS + "\","
                + "\"units\":\"2.5\"}";

        assertThat(webhook("numbers-ledger", body, "d-n1")).isEqualTo(202);
        assertThat(ledger.awaitRequests("PUT", "/entries/n-1", 1, Duration.ofSeconds(20))).as(() -> "dead letters: " + deadLetters()).isTrue();
        awaitQuiet();

        String sent = raw(ledger.requests("PUT", "/entries/n-1").getFirst());
        // the raw bytes on the wire, not a parse of them: a parser could hide a rounding
        assertThat(sent).contains("\"amount\":12345678901234567.895,")
                .contains("\"amount_cents\":12345678901234567.90,")
                .contains("\"amount_text\":\"12345678901234567.895\"")
                .contains("\"token_amount\":0.123456789012345678,")
                .contains("\"dust\":0.000000000000000001,")
                .contains("\"supply\":" + THIRTY_DIGITS + ",")
                .contains("\"wei\":" + THIRTY_DIGITS + ",")
                .contains("\"units\":2,")
                .contains("\"fee\":12345678901234567.890,")
                .contains("\"label\":\"n-1: 12345678901234567.895\"")
                .doesNotContain("E-").doesNotContain("E+").doesNotContain("12345678901234568");
        JsonNode parsed = Json.MAPPER.readTree(sent);
        assertThat(parsed.get("amount").decimalValue()).isEqualTo(new BigDecimal("12345678901234567.895"));
        assertThat(parsed.get("supply").bigIntegerValue()).isEqualTo(new BigInteger(THIRTY_DIGITS));
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM_DLQ) + aws.depth(FerryConfig.Queue.DELIVER_DLQ)).isZero();
    }

    @Test
    void amountsADoubleCannotTellApartAreTwoVersionsAndEqualAmountsAreOne() throws IOException {
        // no version field: the idempotency key is the content digest, which counts numbers by exact value
        for (String[] delivery : List.of(new String[] {"d-n2a", "12345678901234567.895"}, new String[] {"d-n2b", "12345678901234567.8950"},
                new String[] {"d-n2c", "12345678901234567.896"})) {
            assertThat(webhook("numbers-ledger", "{\"id\":\"n-2\",\"amount\":" + delivery[1] + "}", delivery[0])).isEqualTo(202);
            awaitQuiet();
        }

        List<String> amounts = ledger.requests("PUT", "/entries/n-2").stream().map(r -> {
            try {
                return Json.MAPPER.readTree(raw(r)).get("amount").decimalValue().toString();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
        assertThat(amounts).as("12345678901234567.8950 is the first amount again; .896 is a change")
                .containsExactly("12345678901234567.895", "12345678901234567.896");
    }

    @Test
    void aConversionBeyondTheLimitsDeadLettersTheRecordWithTheReason() throws IOException {
        String body = "{\"id\":\"n-3\",\"amount\":1E+999999999}";

        assertThat(webhook("numbers-ledger", body, "d-n3")).isEqualTo(202);
        assertThat(Await.until(Duration.ofSeconds(20), () -> aws.depth(FerryConfig.Queue.TRANSFORM_DLQ) == 1)).isTrue();

        List<Message> dead = aws.drain(FerryConfig.Queue.TRANSFORM_DLQ);
        JsonNode envelope = Json.MAPPER.readTree(dead.getFirst().body());
        assertThat(envelope.at("/payload/amount").decimalValue()).as("kept as it came").isEqualTo(new BigDecimal("1E+999999999"));
        JsonNode failure = envelope.get("failures").get(0);
        assertThat(failure.get("kind").asText()).isEqualTo("permanent");
        assertThat(failure.get("reason").asText()).contains("field 'amount_cents' (from /amount): '1E+999999999' has 1000000000 digits"
                + " before the decimal point; conversions take at most 100");
        assertThat(ledger.requests("PUT", "/entries/")).isEmpty();
    }

    @Test
    void aBulkRequestCarriesEveryDigitOfEachRecord() throws IOException {
        for (int i = 0; i < 3; i++) {
            String body = "{\"id\":\"b-" + i + "\",\"amount\":1234567890123456789" + i + ".000000000000000001,"
                    + "\"token_amount\":\"0.12345678901234567" + i + "\",\"supply\":" + THIRTY_DIGITS + ",\"dust\":0.00000000000000000" + (i + 1) + "}";
            assertThat(webhook("numbers-ledger-bulk", body, "d-b" + i)).isEqualTo(202);
        }
        assertThat(Await.until(Duration.ofSeconds(20), () -> ledger.requests("POST", "/entries/batch").stream()
                .mapToInt(r -> raw(r).split("\"id\":").length - 1).sum() == 3)).isTrue();
        awaitQuiet();

        String all = String.join("\n", ledger.requests("POST", "/entries/batch").stream().map(ExactNumbersEndToEndTest::raw).toList());
        for (int i = 0; i < 3; i++) {
            assertThat(all).contains("{\"id\":\"b-" + i + "\",\"amount\":1234567890123456789" + i + ".000000000000000001,"
                    + "\"token_amount\":0.12345678901234567" + i + ",\"supply\":" + THIRTY_DIGITS + ",\"dust\":0.00000000000000000" + (i + 1) + "}");
        }
        assertThat(ledger.requests("PUT", "/entries/")).isEmpty();
    }
}
