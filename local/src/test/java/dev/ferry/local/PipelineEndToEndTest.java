package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.secrets.WebhookSignature;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline through the real handler classes, fed the real Lambda event shapes from
 * {@code events/}, over real queues (ElasticMQ), a real idempotency table (DynamoDB Local), real
 * secrets (moto) and real HTTP servers standing in for the source and destination APIs.
 */
class PipelineEndToEndTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final String WEBHOOK_KEY = "e2e-webhook-signing-key-5b1f";
    static final String CRM_TOKEN = "e2e-crm-token-77c2";
    static final String BILLING_KEY = "e2e-billing-key-90ad";
    static final int MAX_ATTEMPTS = 3;

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
        settings.put(FerryConfig.INTEGRATIONS_DIR, REPO.resolve("integrations") + "," + REPO.resolve("sandbox/integrations"));
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.put(FerryConfig.MAX_ATTEMPTS, Integer.toString(MAX_ATTEMPTS));
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
        billing.on("PUT", "/customers/*", request -> BILLING_KEY.equals(request.header("X-Api-Key"))
                ? FakeApi.Reply.json(200, "{\"ok\":true}") : FakeApi.Reply.json(401, "{\"error\":\"bad key\"}"));
    }

    // --- helpers -------------------------------------------------------------------------------

    static ObjectNode event(String file) throws IOException {
        return (ObjectNode) Json.MAPPER.readTree(Files.readString(REPO.resolve("events").resolve(file)));
    }

    /** The sample HTTP API event, re-signed with the test key and given a delivery id. */
    static ObjectNode signedWebhook(String integration, String body, String deliveryId) throws IOException {
        return WebhookEvents.signed(integration, body, deliveryId, "sandbox", WEBHOOK_KEY);
    }

    static String contactJson(String id, String email) {
        return "{\"id\":\"" + id + "\",\"name\":\"Ada Lovelace\",\"email\":" + (email == null ? "null" : "\"" + email + "\"")
                + ",\"plan\":\"pro\",\"updated_at\":\"2026-11-20T10:00:00Z\",\"address\":{\"city\":\"London\",\"country\":\"GB\"}}";
    }

    static void awaitQuiet() {
        assertThat(dev.ferry.testing.Await.quiet(aws, Duration.ofSeconds(30),
                FerryConfig.Queue.FETCH, FerryConfig.Queue.TRANSFORM, FerryConfig.Queue.DELIVER))
                .as("pipeline queues drained").isTrue();
    }

    static List<RecordedRequest> puts() {
        return billing.requests("PUT", "/customers/");
    }

    // --- (a) one signed webhook -> exactly one mapped record -----------------------------------

    @Test
    void signedWebhookBecomesExactlyOneMappedDelivery() throws IOException {
        JsonNode answer = ferry.invokeWebhook(Json.write(signedWebhook("sandbox-contacts", contactJson("c-1001", "ada@example.com"), "d-a1")));

        assertThat(answer.get("statusCode").asInt()).isEqualTo(202);
        JsonNode body = Json.MAPPER.readTree(answer.get("body").asText());
        assertThat(body.get("recordId").asText()).isEqualTo("c-1001");
        assertThat(billing.awaitRequests("PUT", "/customers/", 1, Duration.ofSeconds(20))).isTrue();
        awaitQuiet();

        assertThat(puts()).hasSize(1);
        RecordedRequest put = puts().getFirst();
        assertThat(put.path()).isEqualTo("/customers/c-1001");
        assertThat(Json.MAPPER.readTree(put.body())).isEqualTo(Json.MAPPER.readTree(
                "{\"customer_id\":\"c-1001\",\"full_name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"plan\":\"pro\","
                        + "\"billing\":{\"city\":\"London\",\"country\":\"GB\"},\"source\":\"sandbox\"}"));
        assertThat(put.header("X-Api-Key")).isEqualTo(BILLING_KEY);
        assertThat(put.header("Content-Type")).startsWith("application/json");
        assertThat(put.header("Idempotency-Key")).isEqualTo("sandbox-contacts:c-1001@2026-11-20T10:00:00Z");
        assertThat(put.header("X-Ferry-Trace-Id")).isEqualTo(body.get("traceId").asText());
        assertThat(aws.depth(FerryConfig.Queue.DELIVER_DLQ) + aws.depth(FerryConfig.Queue.TRANSFORM_DLQ)).isZero();
    }

    @Test
    void functionUrlEventWithBase64BodyIsVerifiedOverTheRawBytes() throws IOException {
        ObjectNode event = event("webhook-function-url.json");
        String body = contactJson("c-1002", "grace@example.com");
        event.put("body", Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)));
        ObjectNode headers = (ObjectNode) event.get("headers");
        headers.put("x-sandbox-delivery", "d-url-1");
        headers.put("x-sandbox-signature", "sha256=" + WebhookSignature.hexHmacSha256(WEBHOOK_KEY, body.getBytes(StandardCharsets.UTF_8)));

        assertThat(ferry.invokeWebhook(Json.write(event)).get("statusCode").asInt()).isEqualTo(202);
        assertThat(billing.awaitRequests("PUT", "/customers/c-1002", 1, Duration.ofSeconds(20))).isTrue();
    }

    // --- (b) the same webhook twice -> one delivery -------------------------------------------

    @Test
    void redeliveredWebhookIsAcknowledgedButNotDeliveredAgain() throws IOException {
        String event = Json.write(signedWebhook("sandbox-contacts", contactJson("c-1003", "k@example.com"), "d-b1"));

        assertThat(ferry.invokeWebhook(event).get("statusCode").asInt()).isEqualTo(202);
        JsonNode second = ferry.invokeWebhook(event);
        assertThat(second.get("statusCode").asInt()).isEqualTo(200);
        assertThat(second.get("body").asText()).contains("duplicate");
        assertThat(billing.awaitRequests("PUT", "/customers/", 1, Duration.ofSeconds(20))).isTrue();
        awaitQuiet();
        assertThat(puts()).hasSize(1);
    }

    @Test
    void sameRecordVersionUnderNewDeliveryIdsIsDeliveredOnce() throws IOException {
        String body = contactJson("c-1004", "x@example.com");
        for (String delivery : List.of("d-b2", "d-b3", "d-b4")) {
            assertThat(ferry.invokeWebhook(Json.write(signedWebhook("sandbox-contacts", body, delivery)))
                    .get("statusCode").asInt()).isEqualTo(202);
        }
        assertThat(billing.awaitRequests("PUT", "/customers/", 1, Duration.ofSeconds(20))).isTrue();
        awaitQuiet();
        assertThat(puts()).as("idempotency record makes repeats a no-op").hasSize(1);
    }

    @Test
    void redeliveredDeliverMessageIsANoOp() throws IOException {
        ObjectNode sqsEvent = event("deliver-sqs.json");
        String envelope = sqsEvent.get("Records").get(0).get("body").asText();
        for (int i = 0; i < 3; i++) {
            aws.sqs().sendMessage(r -> r.queueUrl(aws.queueUrl(FerryConfig.Queue.DELIVER)).messageBody(envelope));
        }
        assertThat(billing.awaitRequests("PUT", "/customers/", 1, Duration.ofSeconds(20))).isTrue();
        awaitQuiet();
        assertThat(puts()).hasSize(1);
    }

    // --- (c) thin webhook -> fetch -> transform -> deliver ------------------------------------

    @Test
    void thinWebhookIsFetchedThenMappedThenDelivered() throws IOException {
        crm.on("GET", "/contacts/c-2001", request -> ("Bearer " + CRM_TOKEN).equals(request.header("Authorization"))
                ? FakeApi.Reply.json(200, contactJson("c-2001", "thin@example.com"))
                : FakeApi.Reply.json(401, "{}"));

        JsonNode answer = ferry.invokeWebhook(Json.write(signedWebhook("sandbox-contact-events",
                "{\"id\":\"c-2001\",\"event\":\"contact.updated\"}", "d-c1")));

        assertThat(answer.get("statusCode").asInt()).isEqualTo(202);
        assertThat(billing.awaitRequests("PUT", "/customers/", 1, Duration.ofSeconds(20))).isTrue();
        awaitQuiet();
        assertThat(crm.requests("GET", "/contacts/c-2001")).hasSize(1);
        assertThat(puts()).hasSize(1);
        JsonNode delivered = Json.MAPPER.readTree(puts().getFirst().body());
        assertThat(delivered.get("email").asText()).isEqualTo("thin@example.com");
        assertThat(delivered.get("source").asText()).isEqualTo("sandbox-events");
    }

    // --- (d) a scheduled event -> N source records -> N deliveries ----------------------------

    @Test
    void scheduledPollDeliversEverySourceRecordOnce() throws IOException {
        int n = 37;
        StringBuilder page = new StringBuilder("{\"data\":[");
        for (int i = 0; i < n; i++) {
            page.append(i == 0 ? "" : ",").append(contactJson("c-3" + String.format("%03d", i), "p" + i + "@example.com"));
        }
        page.append("]}");
        crm.on("GET", "/contacts", request -> FakeApi.Reply.json(200, page.toString()));

        JsonNode answer = ferry.invokeFetch(Json.write(event("fetch-schedule.json")));

        assertThat(answer.get("queued").asInt()).isEqualTo(n);
        assertThat(billing.awaitRequests("PUT", "/customers/", n, Duration.ofSeconds(30))).isTrue();
        awaitQuiet();
        assertThat(puts()).hasSize(n);
        assertThat(puts().stream().map(RecordedRequest::path).distinct()).hasSize(n);
    }

    // --- (e) destination 500 -> retried, then dead-lettered with its reasons --------------------

    @Test
    void destinationErrorsAreRetriedThenDeadLetteredWithEveryReason() throws IOException {
        billing.on("PUT", "/customers/c-5001", request -> FakeApi.Reply.json(500, "{\"error\":\"database on fire\"}"));

        ferry.invokeWebhook(Json.write(signedWebhook("sandbox-contacts", contactJson("c-5001", "e@example.com"), "d-e1")));

        awaitQuiet();
        assertThat(billing.requests("PUT", "/customers/c-5001")).hasSize(MAX_ATTEMPTS);
        List<Message> dead = aws.drain(FerryConfig.Queue.DELIVER_DLQ);
        assertThat(dead).hasSize(1);
        assertThat(dead.getFirst().messageAttributes().get(QueueSender.ATTR_INTEGRATION).stringValue()).isEqualTo("sandbox-contacts");
        JsonNode envelope = Json.MAPPER.readTree(dead.getFirst().body());
        assertThat(envelope.get("recordId").asText()).isEqualTo("c-5001");
        assertThat(envelope.get("payload").get("email").asText()).isEqualTo("e@example.com");
        JsonNode failures = envelope.get("failures");
        assertThat(failures).hasSize(MAX_ATTEMPTS);
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            JsonNode f = failures.get(i);
            assertThat(f.get("step").asText()).isEqualTo("deliver");
            assertThat(f.get("attempt").asInt()).isEqualTo(i + 1);
            assertThat(f.get("kind").asText()).isEqualTo("retryable");
            assertThat(f.get("httpStatus").asInt()).isEqualTo(500);
            assertThat(f.get("reason").asText()).contains("PUT").contains("/customers/c-5001").contains("500");
            assertThat(f.get("detail").asText()).contains("database on fire");
        }
    }

    @Test
    void permanentDestinationErrorIsDeadLetteredAfterOneAttempt() throws IOException {
        billing.on("PUT", "/customers/c-5002", request -> FakeApi.Reply.json(422, "{\"error\":\"email already taken\"}"));

        ferry.invokeWebhook(Json.write(signedWebhook("sandbox-contacts", contactJson("c-5002", "dup@example.com"), "d-e2")));

        awaitQuiet();
        assertThat(billing.requests("PUT", "/customers/c-5002")).hasSize(1);
        List<Message> dead = aws.drain(FerryConfig.Queue.DELIVER_DLQ);
        assertThat(dead).hasSize(1);
        JsonNode failure = Json.MAPPER.readTree(dead.getFirst().body()).get("failures").get(0);
        assertThat(failure.get("kind").asText()).isEqualTo("permanent");
        assertThat(failure.get("httpStatus").asInt()).isEqualTo(422);
    }

    @Test
    void unmappableRecordFailsAloneWithItsReason() throws IOException {
        StringBuilder page = new StringBuilder("{\"data\":[");
        page.append(contactJson("c-6001", "ok1@example.com")).append(',')
                .append(contactJson("c-6002", null)).append(',')
                .append(contactJson("c-6003", "ok3@example.com")).append("]}");
        crm.on("GET", "/contacts", request -> FakeApi.Reply.json(200, page.toString()));

        ferry.invokeSchedule("sandbox-contacts");

        assertThat(billing.awaitRequests("PUT", "/customers/", 2, Duration.ofSeconds(20))).isTrue();
        awaitQuiet();
        assertThat(puts().stream().map(RecordedRequest::path)).containsExactlyInAnyOrder("/customers/c-6001", "/customers/c-6003");
        List<Message> dead = aws.drain(FerryConfig.Queue.TRANSFORM_DLQ);
        assertThat(dead).hasSize(1);
        JsonNode envelope = Json.MAPPER.readTree(dead.getFirst().body());
        assertThat(envelope.get("recordId").asText()).isEqualTo("c-6002");
        JsonNode failure = envelope.get("failures").get(0);
        assertThat(failure.get("step").asText()).isEqualTo("transform");
        assertThat(failure.get("kind").asText()).isEqualTo("permanent");
        assertThat(failure.get("reason").asText()).contains("email").contains("/email").contains("null");
    }

    // --- (f) bad input at the edge -> 4xx with a reason, nothing queued ------------------------

    @Test
    void badInputAtTheEdgeIsRefusedWithAReasonAndNothingIsQueued() throws IOException {
        String body = contactJson("c-7001", "f@example.com");

        ObjectNode badSignature = signedWebhook("sandbox-contacts", body, "d-f1");
        ((ObjectNode) badSignature.get("headers")).put("x-sandbox-signature", "sha256=" + "0".repeat(64));
        assertRefused(badSignature, 401, "signature");

        ObjectNode unsigned = signedWebhook("sandbox-contacts", body, "d-f2");
        ((ObjectNode) unsigned.get("headers")).remove("x-sandbox-signature");
        assertRefused(unsigned, 401, "missing signature");

        assertRefused(signedWebhook("no-such-integration", body, "d-f3"), 404, "unknown integration");

        String big = "{\"id\":\"c-7002\",\"pad\":\"" + "x".repeat(300 * 1024) + "\"}";
        assertRefused(signedWebhook("sandbox-contacts", big, "d-f4"), 413, "limit");

        assertRefused(signedWebhook("sandbox-contacts", "{\"id\": \"c-7003\",", "d-f5"), 400, "not valid JSON");
        assertRefused(signedWebhook("sandbox-contacts", "[1,2,3]", "d-f6"), 400, "JSON object");
        assertRefused(signedWebhook("sandbox-contacts", "{\"name\":\"no id\"}", "d-f7"), 400, "record id");

        ObjectNode noDelivery = signedWebhook("sandbox-contacts", body, "d-f8");
        ((ObjectNode) noDelivery.get("headers")).remove("x-sandbox-delivery");
        assertRefused(noDelivery, 400, "delivery id");

        ObjectNode get = signedWebhook("sandbox-contacts", body, "d-f9");
        ((ObjectNode) get.get("requestContext").get("http")).put("method", "GET");
        assertRefused(get, 405, "POST");

        assertThat(ferry.invokeWebhook("{\"not\":\"an http event\"}").get("statusCode").asInt()).isBetween(400, 499);

        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM) + aws.depth(FerryConfig.Queue.FETCH)).isZero();
        awaitQuiet();
        assertThat(billing.requests()).isEmpty();
    }

    private static void assertRefused(ObjectNode event, int status, String reasonContains) throws IOException {
        JsonNode answer = ferry.invokeWebhook(Json.write(event));
        assertThat(answer.get("statusCode").asInt()).as(answer.toString()).isEqualTo(status);
        assertThat(Json.MAPPER.readTree(answer.get("body").asText()).get("error").asText()).containsIgnoringCase(reasonContains);
    }

    @Test
    void recordTooLargeForSqsIsRefusedWhereItEntersNotTruncated() throws IOException {
        // The webhook limit is raised past SQS' 1 MiB for this one spec-less check: fetch a huge record.
        String huge = "{\"id\":\"c-8001\",\"email\":\"big@example.com\",\"updated_at\":\"2026-11-20T10:00:00Z\",\"notes\":\""
                + "n".repeat(1100 * 1024) + "\"}";
        crm.on("GET", "/contacts/c-8001", request -> FakeApi.Reply.json(200, huge));

        ferry.invokeWebhook(Json.write(signedWebhook("sandbox-contact-events", "{\"id\":\"c-8001\"}", "d-g1")));

        awaitQuiet();
        List<Message> dead = aws.drain(FerryConfig.Queue.FETCH_DLQ);
        assertThat(dead).hasSize(1);
        JsonNode failure = Json.MAPPER.readTree(dead.getFirst().body()).get("failures").get(0);
        assertThat(failure.get("kind").asText()).isEqualTo("permanent");
        assertThat(failure.get("reason").asText()).contains("c-8001").contains("limit is 1048576 bytes");
        assertThat(billing.requests()).isEmpty();
    }
}
