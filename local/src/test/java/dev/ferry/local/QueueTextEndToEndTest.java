package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.replay.Replayer;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records holding characters SQS refuses in a message body (a lone surrogate written as a JSON escape, raw
 * U+FFFF and U+FFFE) travel every hop unchanged: webhook, fetch, transform, a retry, the dead-letter queue and a
 * replay, to the destination. Real SQS allows only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF.
 */
class QueueTextEndToEndTest {

    static final String WEBHOOK_KEY = "e2e-webhook-signing-key-q7";
    static final String CRM_TOKEN = "e2e-crm-token-q7";
    static final String BILLING_KEY = "e2e-billing-key-q7";
    /** As a provider sends it: a JSON escape for the lone surrogate, the two non-characters raw, an emoji raw. */
    static final String ODD_NAME_JSON = "Ada \\ud800 \uFFFF\uFFFE \uD83D\uDE00 Lovelace";
    /** The same value as Java holds it once parsed. */
    static final String ODD_NAME = "Ada \uD800 \uFFFF\uFFFE \uD83D\uDE00 Lovelace";

    static AwsEmulators aws;
    static FakeApi crm;
    static FakeApi billing;
    static LocalFerry ferry;

    @BeforeAll
    static void start() {
        aws = AwsEmulators.builder().visibilityTimeoutSeconds(2).maxReceiveCount(5).start();
        crm = FakeApi.start();
        billing = FakeApi.start();
        putSecrets();
        Map<String, String> settings = new HashMap<>();
        settings.put("sandbox.crm.url", crm.baseUrl());
        settings.put("sandbox.billing.url", billing.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, WebhookEvents.REPO.resolve("sandbox/integrations").toString());
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.put(FerryConfig.MAX_ATTEMPTS, "3");
        ferry = new LocalFerry(aws, settings).startPollers();
    }

    @AfterAll
    static void stop() {
        if (ferry != null) ferry.close();
        if (crm != null) crm.close();
        if (billing != null) billing.close();
        if (aws != null) aws.close();
    }

    static void putSecrets() {
        aws.putSecret("ferry/sandbox/webhook", "{\"key\":\"" + WEBHOOK_KEY + "\"}");
        aws.putSecret("ferry/sandbox/crm", "{\"token\":\"" + CRM_TOKEN + "\"}");
        aws.putSecret("ferry/sandbox/billing", "{\"apiKey\":\"" + BILLING_KEY + "\"}");
    }

    @BeforeEach
    void resetWorld() {
        aws.reset();
        putSecrets();
        crm.reset();
        billing.reset();
    }

    static String contact(String id) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + ODD_NAME_JSON + "\",\"email\":\"ada@example.com\",\"plan\":\"pro\","
                + "\"updated_at\":\"2026-11-20T10:00:00Z\",\"address\":{\"city\":\"London\",\"country\":\"GB\"}}";
    }

    static JsonNode webhook(String integration, String body, String delivery) throws IOException {
        return ferry.invokeWebhook(Json.write(WebhookEvents.signed(integration, body, delivery, "sandbox", WEBHOOK_KEY)));
    }

    static void awaitQuiet() {
        assertThat(dev.ferry.testing.Await.quiet(aws, Duration.ofSeconds(30),
                FerryConfig.Queue.FETCH, FerryConfig.Queue.TRANSFORM, FerryConfig.Queue.DELIVER)).isTrue();
    }

    static void assertDeliveredUnchanged(RecordedRequest put) throws IOException {
        assertThat(Json.MAPPER.readTree(put.body()).get("full_name").asText()).isEqualTo(ODD_NAME);
        String wire = put.bodyText();
        assertThat(wire).as("lone surrogate sent as a JSON escape").containsIgnoringCase("\\ud800");
        wire.codePoints().forEach(cp -> assertThat(cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000).as("U+%04X on the wire", cp).isTrue());
    }

    @Test
    void fullRecordWebhookReachesTheDestinationUnchanged() throws IOException {
        billing.on("PUT", "/customers/*", FakeApi.Reply.json(200, "{\"ok\":true}"));

        JsonNode answer = webhook("sandbox-contacts", contact("c-q1"), "d-q1");

        assertThat(answer.get("statusCode").asInt()).as(answer.toString()).isEqualTo(202);
        assertThat(billing.awaitRequests("PUT", "/customers/c-q1", 1, Duration.ofSeconds(20))).isTrue();
        assertDeliveredUnchanged(billing.requests("PUT", "/customers/c-q1").getFirst());
    }

    @Test
    void fetchedRecordAndARetryKeepTheValue() throws IOException {
        crm.on("GET", "/contacts/c-q2", FakeApi.Reply.json(200, contact("c-q2")));
        AtomicInteger calls = new AtomicInteger();
        billing.on("PUT", "/customers/*", request -> calls.incrementAndGet() == 1
                ? FakeApi.Reply.json(500, "{\"error\":\"try again\"}") : FakeApi.Reply.json(200, "{\"ok\":true}"));

        JsonNode answer = webhook("sandbox-contact-events", "{\"id\":\"c-q2\",\"event\":\"contact.updated\"}", "d-q2");

        assertThat(answer.get("statusCode").asInt()).as(answer.toString()).isEqualTo(202);
        assertThat(billing.awaitRequests("PUT", "/customers/c-q2", 2, Duration.ofSeconds(30))).isTrue();
        awaitQuiet();
        List<RecordedRequest> puts = billing.requests("PUT", "/customers/c-q2");
        assertThat(puts).hasSize(2);
        for (RecordedRequest put : puts) {
            assertDeliveredUnchanged(put);
        }
    }

    @Test
    void deadLetterAndReplayKeepTheValue() throws IOException {
        billing.on("PUT", "/customers/*", FakeApi.Reply.json(422, "{\"error\":\"refused for now\"}"));

        webhook("sandbox-contacts", contact("c-q3"), "d-q3");
        awaitQuiet();
        assertThat(aws.depth(FerryConfig.Queue.DELIVER_DLQ)).isEqualTo(1);

        billing.reset();
        billing.on("PUT", "/customers/*", FakeApi.Reply.json(200, "{\"ok\":true}"));
        Replayer.Report report = ferry.runtime().replayer()
                .replay(new Replayer.Filter("sandbox-contacts", FailureKind.PERMANENT, null, null, false));

        assertThat(report.replayed()).isEqualTo(1);
        assertThat(billing.awaitRequests("PUT", "/customers/c-q3", 1, Duration.ofSeconds(20))).isTrue();
        assertDeliveredUnchanged(billing.requests("PUT", "/customers/c-q3").getFirst());
        awaitQuiet();
        List<Message> dead = aws.drain(FerryConfig.Queue.DELIVER_DLQ);
        assertThat(dead).isEmpty();
    }
}
