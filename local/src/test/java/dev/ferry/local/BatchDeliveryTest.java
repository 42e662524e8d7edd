package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.Await;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Destination batching with real parts: records polled from a fake CRM go through fetch and transform to two
 * deliver workers (separate runtimes, as separate Lambda instances would be) that take up to 100 messages per
 * invocation and send them 25 at a time to a fake bulk endpoint, with idempotency claims in DynamoDB Local and
 * retries, deferrals and dead letters through ElasticMQ.
 */
class BatchDeliveryTest {

    static final int WORKERS = 2;
    static final int SIZE = 25;

    static AwsEmulators aws;
    static FakeApi crm;
    static FakeApi billing;

    @TempDir
    Path specs;
    LocalFerry ferry;
    Workers workers;

    /** Per record id: how often the bulk endpoint accepted it, and in how many requests it came. */
    final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        aws = AwsEmulators.builder().visibilityTimeoutSeconds(30).maxReceiveCount(10).start();
        crm = FakeApi.start();
        billing = FakeApi.start();
    }

    @AfterAll
    static void stop() {
        if (crm != null) crm.close();
        if (billing != null) billing.close();
        if (aws != null) aws.close();
    }

    @BeforeEach
    void reset() {
        aws.reset();
        crm.reset();
        billing.reset();
    }

    @AfterEach
    void stopWorkers() {
        stopPipeline();
    }

    void stopPipeline() {
        if (workers != null) workers.close();
        workers = null;
        ferry = null;
    }

    static String spec(boolean batched, String limits) {
        return """
                name: batch-crm
                description: contacts to a billing API with a bulk endpoint
                source:
                  recordId: /id
                  list: { url: "${crm.url}/contacts", recordsPath: /data }
                schedule: rate(1 minute)
                mapping:
                  customer_id: { from: /id, required: true }
                  email: { from: /email, required: true }
                destination:
                  method: PUT
                  url: "${billing.url}/customers/{recordId}"
                %s
                limits:
                  destination: %s
                """.formatted(batched ? """
                  batch:
                    size: %d
                    url: "${billing.url}/customers/batch"
                    wrap: /inputs
                    results: /results
                    itemStatus: /status
                    itemError: /error/message
                """.formatted(SIZE).stripTrailing() : "", limits);
    }

    void startPipeline(String specText, int maxAttempts) throws IOException {
        Files.writeString(specs.resolve("batch-crm.yaml"), specText);
        Map<String, String> settings = new HashMap<>();
        settings.put("crm.url", crm.baseUrl());
        settings.put("billing.url", billing.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        settings.put(FerryConfig.LOCAL_MODE, "true");
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.put(FerryConfig.MAX_ATTEMPTS, Integer.toString(maxAttempts));
        // As the SAM template does for deliver: up to 100 messages per invocation, gathered for up to 2 s.
        settings.put(LocalFerry.DELIVER_BATCH_SIZE, "100");
        settings.put(LocalFerry.DELIVER_BATCHING_WINDOW_MS, "2000");
        workers = Workers.start(aws, settings, FerryConfig.Queue.DELIVER, WORKERS);
        ferry = workers.ferry();
    }

    static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("c-" + i);
        }
        return ids;
    }

    static void serveContacts(int n) {
        StringBuilder page = new StringBuilder("{\"data\":[");
        for (int i = 0; i < n; i++) {
            page.append(i == 0 ? "" : ",").append("{\"id\":\"c-").append(i).append("\",\"email\":\"c").append(i).append("@example.com\"}");
        }
        page.append("]}");
        crm.on("GET", "/contacts", r -> FakeApi.Reply.json(200, page.toString()));
    }

    static List<String> idsIn(RecordedRequest request) {
        try {
            List<String> ids = new ArrayList<>();
            Json.MAPPER.readTree(request.body()).get("inputs").forEach(item -> ids.add(item.get("customer_id").asText()));
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The bulk endpoint. {@code whole} may answer for the whole request (by its 1-based number), else each item
     * gets the status {@code item} gives it (by record id): 2xx accepted, anything else rejected with a reason.
     */
    void serveBulk(java.util.function.IntFunction<FakeApi.Reply> whole, BiFunction<String, Integer, Integer> item) {
        AtomicInteger requests = new AtomicInteger();
        billing.on("POST", "/customers/batch", r -> {
            int number = requests.incrementAndGet();
            List<String> ids = idsIn(r);
            ids.forEach(id -> sent.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet());
            FakeApi.Reply reply = whole.apply(number);
            if (reply != null) {
                return reply;
            }
            ObjectNode answer = Json.MAPPER.createObjectNode();
            ArrayNode results = answer.putArray("results");
            for (String id : ids) {
                int status = item.apply(id, sent.get(id).get());
                ObjectNode result = results.addObject().put("id", id).put("status", status);
                if (status >= 200 && status < 300) {
                    accepted.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                } else {
                    result.putObject("error").put("message", "email is invalid");
                }
            }
            return FakeApi.Reply.json(207, Json.write(answer));
        });
    }

    static boolean quiet() {
        return Await.quiet(aws, Duration.ofSeconds(90), FerryConfig.Queue.FETCH, FerryConfig.Queue.TRANSFORM, FerryConfig.Queue.DELIVER);
    }

    static List<RecordedRequest> bulkRequests() {
        return billing.requests("POST", "/customers/batch");
    }

    void assertEachDeliveredOnce(List<String> ids) {
        for (String id : ids) {
            assertThat(accepted.get(id)).as(id + " delivered").isNotNull();
            assertThat(accepted.get(id).get()).as(id + " delivered once").isEqualTo(1);
        }
    }

    /** The dead letters' record ids, each checked: permanent, after exactly one attempt (deferrals spend none). */
    static Map<String, JsonNode> deadLetters() throws IOException {
        Map<String, JsonNode> dead = new HashMap<>();
        for (Message m : aws.drain(FerryConfig.Queue.DELIVER_DLQ)) {
            JsonNode envelope = Json.MAPPER.readTree(m.body());
            JsonNode failures = envelope.get("failures");
            int attempts = 0;
            for (JsonNode f : failures) {
                attempts += f.get("kind").asText().equals("throttled") ? 0 : 1;
            }
            assertThat(attempts).as("attempts of " + envelope.get("recordId")).isEqualTo(1);
            dead.put(envelope.get("recordId").asText(), failures.get(failures.size() - 1));
        }
        return dead;
    }

    // ------------------------------------------------------------------------------------------------

    @Test
    void everyRecordIsDeliveredExactlyOnceInFewBulkRequests() throws IOException {
        int n = 230;
        serveContacts(n);
        serveBulk(number -> null, (id, call) -> 200);
        startPipeline(spec(true, "{ requestsPerSecond: 20, burst: 5, timeoutMs: 5000 }"), 3);

        assertThat(ferry.invokeSchedule("batch-crm").get("queued").asInt()).isEqualTo(n);
        assertThat(quiet()).as("pipeline drained").isTrue();

        List<RecordedRequest> requests = bulkRequests();
        List<String> delivered = requests.stream().flatMap(r -> idsIn(r).stream()).toList();
        assertThat(delivered).as("every id across all bulk bodies").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(n));
        assertThat(requests.size()).as("bulk requests").isBetween((n + SIZE - 1) / SIZE, n / 5);
        assertThat(requests).allSatisfy(r -> {
            assertThat(idsIn(r)).hasSizeBetween(1, SIZE);
            assertThat(r.header("Idempotency-Key")).matches("batch-crm:batch:[0-9a-f]{16}");
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.header("X-Ferry-Trace-Id")).as("a bulk request carries many records' traces, so none").isNull();
        });
        assertThat(requests.stream().map(r -> r.header("Idempotency-Key")).distinct()).hasSize(requests.size());
        assertThat(billing.requests("PUT", "/customers/")).as("no per-record calls").isEmpty();
        assertThat(aws.depth(FerryConfig.Queue.DELIVER_DLQ)).isZero();
        assertEachDeliveredOnce(ids(n));

        // The same records polled again: every key is done already, nothing goes out.
        assertThat(ferry.invokeSchedule("batch-crm").get("queued").asInt()).isEqualTo(n);
        assertThat(quiet()).isTrue();
        assertThat(bulkRequests()).as("repeats are skipped before any request").hasSize(requests.size());
        System.out.printf("batching: %d records, size %d, %d workers: %d bulk requests (%.3f per record)%n",
                n, SIZE, WORKERS, requests.size(), (double) requests.size() / n);
    }

    @Test
    void itemsTheApiRejectsAreDeadLetteredWithTheirReasonAndTheRestDelivered() throws IOException {
        int n = 100;
        Set<String> bad = Set.of("c-7", "c-42", "c-99");
        serveContacts(n);
        serveBulk(number -> null, (id, call) -> bad.contains(id) ? 422 : 200);
        startPipeline(spec(true, "{ timeoutMs: 5000 }"), 3);

        ferry.invokeSchedule("batch-crm");
        assertThat(quiet()).isTrue();

        Map<String, JsonNode> dead = deadLetters();
        assertThat(dead.keySet()).containsExactlyInAnyOrderElementsOf(bad);
        assertThat(dead.values()).allSatisfy(f -> {
            assertThat(f.get("kind").asText()).isEqualTo("permanent");
            assertThat(f.get("httpStatus").asInt()).isEqualTo(422);
            assertThat(f.get("reason").asText()).contains("/customers/batch: item ").contains("answered 422: email is invalid");
        });
        bad.forEach(id -> assertThat(sent.get(id).get()).as(id + " sent once, not retried").isEqualTo(1));
        List<String> good = ids(n).stream().filter(id -> !bad.contains(id)).toList();
        assertEachDeliveredOnce(good);
        assertThat(accepted.keySet()).doesNotContainAnyElementsOf(bad);
    }

    @Test
    void aChunkAnswered500IsRetriedLaterAndEveryRecordIsDeliveredOnce() throws IOException {
        int n = 100;
        serveContacts(n);
        serveBulk(number -> number == 1 ? FakeApi.Reply.json(500, "{\"error\":\"database on fire\"}") : null, (id, call) -> 200);
        startPipeline(spec(true, "{ timeoutMs: 5000, retries: 0 }"), 3);

        ferry.invokeSchedule("batch-crm");
        assertThat(quiet()).isTrue();

        List<String> failedFirst = idsIn(bulkRequests().getFirst());
        assertThat(failedFirst).isNotEmpty();
        failedFirst.forEach(id -> assertThat(sent.get(id).get()).as(id + " sent again after the 500").isEqualTo(2));
        assertEachDeliveredOnce(ids(n));
        assertThat(aws.depth(FerryConfig.Queue.DELIVER_DLQ)).isZero();
    }

    @Test
    void a429WithRetryAfterDefersTheChunkWithoutSpendingAnAttempt() throws IOException {
        int n = 60;
        serveContacts(n);
        serveBulk(number -> number == 1 ? FakeApi.Reply.json(429, "{\"error\":\"slow down\"}").header("Retry-After", "1") : null,
                (id, call) -> 200);
        // One attempt per record: a failure that spent one would dead-letter the record.
        startPipeline(spec(true, "{ requestsPerSecond: 20, burst: 5, timeoutMs: 5000 }"), 1);

        ferry.invokeSchedule("batch-crm");
        assertThat(quiet()).isTrue();

        List<String> throttled = idsIn(bulkRequests().getFirst());
        assertThat(throttled).isNotEmpty();
        throttled.forEach(id -> assertThat(sent.get(id).get()).as(id + " sent again after the wait").isEqualTo(2));
        assertEachDeliveredOnce(ids(n));
        assertThat(aws.depth(FerryConfig.Queue.DELIVER_DLQ)).as("deferrals spend no attempt").isZero();
    }

    @Test
    void anAnswerWhoseResultsDoNotLineUpDeadLettersItsRecordsAsUnknown() throws IOException {
        int n = 50;
        serveContacts(n);
        serveBulk(number -> number == 1 ? FakeApi.Reply.json(200, "{\"results\":[{\"status\":200}]}") : null, (id, call) -> 200);
        startPipeline(spec(true, "{ timeoutMs: 5000 }"), 3);

        ferry.invokeSchedule("batch-crm");
        assertThat(quiet()).isTrue();

        List<String> first = idsIn(bulkRequests().getFirst());
        assertThat(first).hasSizeGreaterThan(1);
        Map<String, JsonNode> dead = deadLetters();
        assertThat(dead.keySet()).as("the whole first request, none of the others").containsExactlyInAnyOrderElementsOf(first);
        assertThat(dead.values()).allSatisfy(f -> {
            assertThat(f.get("kind").asText()).isEqualTo("permanent");
            assertThat(f.get("reason").asText()).contains("answered 200 with 1 results at /results for " + first.size() + " records")
                    .contains("applied is unknown");
        });
        first.forEach(id -> assertThat(sent.get(id).get()).as(id + " not sent again blindly").isEqualTo(1));
        assertEachDeliveredOnce(ids(n).stream().filter(id -> !first.contains(id)).toList());
    }

    @Test
    void theSameRecordTwiceInTheQueueIsSentAndDeliveredOnce() throws IOException {
        int n = 40;
        serveBulk(number -> null, (id, call) -> 200);
        startPipeline(spec(true, "{ timeoutMs: 5000 }"), 3);

        List<Envelope> envelopes = new ArrayList<>();
        for (String id : ids(n)) {
            ObjectNode mapped = Json.MAPPER.createObjectNode().put("customer_id", id).put("email", id + "@example.com");
            envelopes.add(Envelope.fresh("batch-crm", id, id + "#v1", null, null, mapped));
        }
        for (int copy = 0; copy < 2; copy++) { // every message twice, as at-least-once delivery may hand it over
            for (Envelope envelope : envelopes) {
                ferry.runtime().queueSender().send(aws.queueUrl(FerryConfig.Queue.DELIVER), envelope, 0);
            }
        }
        assertThat(quiet()).isTrue();

        ids(n).forEach(id -> assertThat(sent.get(id)).as(id + " sent").isNotNull().hasValue(1));
        assertEachDeliveredOnce(ids(n));
        assertThat(aws.depth(FerryConfig.Queue.DELIVER_DLQ)).isZero();
    }

    /** The numbers behind batching: requests and DynamoDB calls per delivered record, with and without it. */
    @Test
    void batchingCutsRequestsAndRateBudgetCallsPerRecord() throws IOException {
        int n = 230;
        String limits = "{ requestsPerSecond: 50, burst: 10, timeoutMs: 5000 }";
        serveContacts(n);
        Set<String> perRecord = ConcurrentHashMap.newKeySet();
        billing.on("PUT", "/customers/*", r -> {
            perRecord.add(r.path());
            return FakeApi.Reply.json(200, "{\"ok\":true}");
        });
        serveBulk(number -> null, (id, call) -> 200);

        Cost without = measure(spec(false, limits), n);
        int single = billing.requests("PUT", "/customers/").size();
        assertThat(perRecord).hasSize(n);
        stopPipeline();
        aws.reset();

        Cost with = measure(spec(true, limits), n);
        int bulk = bulkRequests().size();
        assertEachDeliveredOnce(ids(n));

        assertThat(single).isEqualTo(n);
        assertThat(bulk).isLessThanOrEqualTo(n / 5);
        assertThat(with.rateLimit()).as("rate budget calls: one token per request, not per record").isLessThan(without.rateLimit());
        assertThat(with.idempotency()).as("idempotency: still a claim and a completion per record").isEqualTo(2L * n);
        System.out.printf("batching cost, %d records, %d workers, %s:%n"
                        + "  without batch: %d requests (%.2f per record); DynamoDB per record: rate limit %.3f, idempotency %.2f%n"
                        + "  with batch %d: %d requests (%.3f per record); DynamoDB per record: rate limit %.3f, idempotency %.2f%n",
                n, WORKERS, limits, single, (double) single / n, (double) without.rateLimit() / n, (double) without.idempotency() / n,
                SIZE, bulk, (double) bulk / n, (double) with.rateLimit() / n, (double) with.idempotency() / n);
    }

    record Cost(long rateLimit, long idempotency) {
    }

    Cost measure(String specText, int n) throws IOException {
        startPipeline(specText, 3);
        assertThat(ferry.invokeSchedule("batch-crm").get("queued").asInt()).isEqualTo(n);
        assertThat(quiet()).isTrue();
        assertThat(aws.depth(FerryConfig.Queue.DELIVER_DLQ)).isZero();
        return new Cost(workers.rateLimitDynamoCalls(), workers.idempotencyDynamoCalls());
    }
}
