package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.replay.Replayer;
import dev.ferry.testing.Arrivals;
import dev.ferry.testing.Await;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failure modes with real parts: four deliver workers (separate runtimes, as separate Lambda
 * instances would be) sharing one rate budget in DynamoDB Local, a programmable destination on
 * loopback that fails in every way we classify, and SQS (ElasticMQ) carrying retries and dead letters.
 */
class ResilienceTest {

    /**
     * How late a request the limiter let through in time may reach the fake API on a busy machine: rate windows are
     * counted over 1 s less this (see Arrivals#busiest(Duration, Duration)), not over arrivals' wall-clock second.
     */
    static final Duration ARRIVAL_LATENESS = Duration.ofMillis(250);

    static final int RPS = 20;
    static final int BURST = 5;
    static final int WORKERS = 4;

    static AwsEmulators aws;
    static FakeApi crm;
    static FakeApi billing;

    @TempDir
    Path specs;
    LocalFerry ferry;
    Workers workers;

    @BeforeAll
    static void start() {
        // As on AWS, the visibility timeout comfortably exceeds one batch's work (here: paced, slow calls).
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
        if (workers != null) workers.close();
        else if (ferry != null) ferry.close();
    }

    static String spec(String emailPointer, String limits) {
        return """
                name: flaky-billing
                description: contacts to a billing API that fails in every way
                source:
                  recordId: /id
                  list: { url: "${crm.url}/contacts", recordsPath: /data }
                schedule: rate(1 minute)
                mapping:
                  customer_id: { from: /id, required: true }
                  email: { from: %s, required: true }
                destination:
                  method: PUT
                  url: "${billing.url}/customers/{recordId}"
                limits:
                  destination: %s
                """.formatted(emailPointer, limits);
    }

    /** Starts the pipeline plus extra deliver workers, each its own runtime (own breaker, own token block). */
    void startPipeline(String specText, int count) throws IOException {
        Files.writeString(specs.resolve("flaky-billing.yaml"), specText);
        workers = Workers.start(aws, settings(), FerryConfig.Queue.DELIVER, count);
        ferry = workers.ferry();
    }

    Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("crm.url", crm.baseUrl());
        settings.put("billing.url", billing.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        settings.put(FerryConfig.LOCAL_MODE, "true");
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.put(FerryConfig.MAX_ATTEMPTS, "3");
        return settings;
    }

    static void serveContacts(int n, String suffixForBad) {
        StringBuilder page = new StringBuilder("{\"data\":[");
        for (int i = 0; i < n; i++) {
            String id = "c-" + i + (suffixForBad != null && i % 25 == 0 ? suffixForBad : "");
            page.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"email\":\"").append(id).append("@example.com\"}");
        }
        page.append("]}");
        crm.on("GET", "/contacts", r -> FakeApi.Reply.json(200, page.toString()));
    }

    static boolean quiet() {
        return Await.quiet(aws, Duration.ofSeconds(90), FerryConfig.Queue.FETCH, FerryConfig.Queue.TRANSFORM, FerryConfig.Queue.DELIVER);
    }

    @Test
    void sharedRateLimitHoldsAcrossWorkersAndEveryRecordEndsDeliveredOnceOrDeadLettered() throws IOException {
        int n = 200;
        serveContacts(n, "-bad");
        Arrivals arrivals = new Arrivals();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
        billing.on("PUT", "/customers/*", r -> {
            arrivals.record();
            String id = r.path().substring("/customers/".length());
            int call = calls.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            int i = Integer.parseInt(id.replaceAll("\\D", ""));
            if (id.endsWith("-bad")) {
                return FakeApi.Reply.json(422, "{\"error\":\"invalid customer\"}");
            }
            if (call == 1 && i % 7 == 1) {
                return FakeApi.Reply.json(500, "{\"error\":\"flaky\"}");
            }
            if (call == 1 && i % 7 == 2) {
                return FakeApi.Reply.json(429, "{\"error\":\"slow down\"}").header("Retry-After", "1");
            }
            if (call == 1 && i % 7 == 3) {
                return FakeApi.Reply.json(200, "{\"ok\":true}").delay(Duration.ofMillis(1500)); // past the timeout
            }
            if (call == 1 && i % 7 == 4) {
                return FakeApi.Reply.dropConnection(); // no answer at all: the connection is closed on the request
            }
            successes.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            return FakeApi.Reply.json(200, "{\"ok\":true}");
        });
        startPipeline(spec("/email", "{ requestsPerSecond: " + RPS + ", burst: " + BURST + ", timeoutMs: 800, retries: 1, "
                + "retryDelayMs: 50, concurrency: 4 }"), WORKERS);
        long start = System.nanoTime();

        assertThat(ferry.invokeSchedule("flaky-billing").get("queued").asInt()).isEqualTo(n);
        boolean drained = quiet();
        if (!drained) {
            System.out.printf("not drained: deliver depth %d, successes %d, calls %d, dlq %d%n", aws.depth(FerryConfig.Queue.DELIVER),
                    successes.size(), arrivals.count(), aws.depth(FerryConfig.Queue.DELIVER_DLQ));
            aws.sqs().receiveMessage(r -> r.queueUrl(aws.queueUrl(FerryConfig.Queue.DELIVER)).maxNumberOfMessages(3).visibilityTimeout(0))
                    .messages().forEach(m -> System.out.println("  stuck: " + m.body().substring(0, Math.min(1500, m.body().length()))));
        }
        assertThat(drained).as("pipeline drained").isTrue();
        double seconds = (System.nanoTime() - start) / 1e9;

        // In no one-second window did the destination see more than limit + burst requests.
        int maxInWindow = arrivals.busiest(Duration.ofSeconds(1), ARRIVAL_LATENESS);
        assertThat(maxInWindow).as("requests in the busiest 1 s window, allowing 250 ms of lateness").isLessThanOrEqualTo(RPS + BURST);

        // Every record: delivered exactly once, or in the DLQ with its reason. None lost, none duplicated.
        List<Message> dead = aws.drain(FerryConfig.Queue.DELIVER_DLQ);
        List<String> deadIds = new ArrayList<>();
        for (Message m : dead) {
            JsonNode envelope = Json.MAPPER.readTree(m.body());
            deadIds.add(envelope.get("recordId").asText());
            JsonNode last = envelope.get("failures").get(envelope.get("failures").size() - 1);
            assertThat(last.get("kind").asText()).isEqualTo("permanent");
            assertThat(last.get("httpStatus").asInt()).isEqualTo(422);
            int attempts = 0;
            for (JsonNode f : envelope.get("failures")) {
                attempts += f.get("kind").asText().equals("throttled") ? 0 : 1; // deferrals are kept but spend no attempt
            }
            assertThat(attempts).as("permanent errors die after one attempt").isEqualTo(1);
        }
        assertThat(deadIds).hasSize(8).allMatch(id -> id.endsWith("-bad"));
        for (int i = 0; i < n; i++) {
            String id = "c-" + i + (i % 25 == 0 ? "-bad" : "");
            if (id.endsWith("-bad")) {
                assertThat(successes.get(id)).isNull();
                assertThat(calls.get(id).get()).as(id).isEqualTo(1);
            } else {
                assertThat(successes.get(id)).as(id + " delivered").isNotNull();
                assertThat(successes.get(id).get()).as(id + " delivered once").isEqualTo(1);
                assertThat(calls.get(id).get()).as(id + " retries are bounded").isLessThanOrEqualTo(4);
            }
        }
        long rateLimitCalls = workers.rateLimitDynamoCalls();
        long idempotencyCalls = workers.idempotencyDynamoCalls();
        int delivered = n - 8;
        System.out.printf("resilience: %d records, %d workers, limit %d/s + burst %d: busiest 1 s window %d requests, "
                        + "%d requests in %.1f s (%.1f/s); DynamoDB calls per delivered record: rate limit %.2f, idempotency %.2f%n",
                n, WORKERS, RPS, BURST, maxInWindow, arrivals.count(), seconds, arrivals.count() / seconds,
                (double) rateLimitCalls / delivered, (double) idempotencyCalls / delivered);
    }

    @Test
    void aHealthyDestinationIsDrivenCloseToItsLimitButNeverOverIt() throws IOException {
        int n = 300;
        serveContacts(n, null);
        Arrivals arrivals = new Arrivals();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        billing.on("PUT", "/customers/*", r -> {
            arrivals.record();
            calls.computeIfAbsent(r.path(), k -> new AtomicInteger()).incrementAndGet();
            return FakeApi.Reply.json(200, "{\"ok\":true}");
        });
        startPipeline(spec("/email", "{ requestsPerSecond: " + RPS + ", burst: " + BURST + " }"), WORKERS);

        ferry.invokeSchedule("flaky-billing");
        assertThat(quiet()).isTrue();

        int maxInWindow = arrivals.busiest(Duration.ofSeconds(1), ARRIVAL_LATENESS);
        assertThat(maxInWindow).as("requests in the busiest 1 s window, allowing 250 ms of lateness").isLessThanOrEqualTo(RPS + BURST);
        assertThat(calls).hasSize(n);
        assertThat(calls.values()).as("each record delivered exactly once").allMatch(c -> c.get() == 1);
        assertThat(aws.depth(FerryConfig.Queue.DELIVER_DLQ)).isZero();
        double rate = arrivals.ratePerSecond();
        long rateLimitCalls = workers.rateLimitDynamoCalls();
        long idempotencyCalls = workers.idempotencyDynamoCalls();
        System.out.printf("resilience (healthy): %d records, %d workers, limit %d/s + burst %d: %.1f requests/s observed "
                        + "(%.0f%% of the limit), busiest 1 s window %d; DynamoDB calls per delivered record: rate limit %.2f, "
                        + "idempotency %.2f, together %.2f%n", n, WORKERS, RPS, BURST, rate, 100 * rate / RPS,
                maxInWindow, (double) rateLimitCalls / n, (double) idempotencyCalls / n, (double) (rateLimitCalls + idempotencyCalls) / n);
    }

    @Test
    void circuitBreakerOpensDefersWithoutSpendingAttemptsAndRecovers() throws IOException {
        int n = 12;
        serveContacts(n, null);
        AtomicBoolean down = new AtomicBoolean(true);
        AtomicInteger callsWhileDown = new AtomicInteger();
        Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
        billing.on("PUT", "/customers/*", r -> {
            if (down.get()) {
                callsWhileDown.incrementAndGet();
                return FakeApi.Reply.json(503, "{\"error\":\"maintenance\"}");
            }
            successes.computeIfAbsent(r.path(), k -> new AtomicInteger()).incrementAndGet();
            return FakeApi.Reply.json(200, "{\"ok\":true}");
        });
        startPipeline(spec("/email", "{ circuitBreaker: { failureRatio: 0.5, requestVolume: 4, delayMs: 1500, successThreshold: 1 } }"), 1);

        ferry.invokeSchedule("flaky-billing");
        assertThat(Await.until(Duration.ofSeconds(20), () -> callsWhileDown.get() >= 4)).isTrue();
        // Open now: for a while records come back deferred, the API is left alone.
        int before = callsWhileDown.get();
        Await.until(Duration.ofSeconds(4), () -> false);
        int during = callsWhileDown.get() - before;
        down.set(false);

        assertThat(quiet()).isTrue();
        assertThat(during).as("calls while the circuit was open (half-open trials only)").isLessThanOrEqualTo(4);
        assertThat(successes).hasSize(n);
        assertThat(successes.values()).allMatch(c -> c.get() == 1);
        assertThat(aws.drain(FerryConfig.Queue.DELIVER_DLQ)).as("deferrals spend no attempts").isEmpty();
    }

    @Test
    void replayAfterAMappingFixDeliversEveryDeadLetter() throws IOException {
        int n = 15;
        serveContacts(n, null);
        billing.on("PUT", "/customers/*", r -> FakeApi.Reply.json(200, "{\"ok\":true}"));
        startPipeline(spec("/mail", "{ requestsPerSecond: 50, burst: 10 }"), 1); // wrong path: every record fails

        ferry.invokeSchedule("flaky-billing");
        assertThat(quiet()).isTrue();
        assertThat(billing.requests()).isEmpty();
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM_DLQ)).isEqualTo(n);
        workers.close();
        workers = null;

        // The fix is deployed: a new runtime with the corrected spec.
        Files.writeString(specs.resolve("flaky-billing.yaml"), spec("/email", "{ requestsPerSecond: 50, burst: 10 }"));
        ferry = new LocalFerry(aws, settings()).startPollers();
        Replayer replayer = ferry.runtime().replayer();

        Replayer.Report dry = replayer.replay(new Replayer.Filter("flaky-billing", FailureKind.PERMANENT, null, null, true));
        assertThat(dry.matched()).isEqualTo(n);
        assertThat(dry.replayed()).isZero();
        assertThat(dry.items()).hasSize(n).allSatisfy(item -> {
            assertThat(item.action()).isEqualTo("would-replay");
            assertThat(item.error()).isNull();
            assertThat(item.preview().get("email").asText()).isEqualTo(item.recordId() + "@example.com");
        });
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM_DLQ)).as("a dry run leaves the dead letters").isEqualTo(n);
        assertThat(replayer.replay(new Replayer.Filter("other-integration", null, null, null, false)).replayed()).isZero();

        // The local runner's endpoint shows the same dry run.
        try (LocalHttpApi api = new LocalHttpApi(ferry, 0)) {
            var answer = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + api.port() + "/replay?integration=flaky-billing&kind=permanent&dryRun=true"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(answer.body()).get("matched").asInt()).isEqualTo(n);
            var bad = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + api.port() + "/replay?kind=fatal"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("permanent, retryable or throttled");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM_DLQ)).isEqualTo(n);

        // The real replay through the command line (`ferry replay`), against the same queues and the fixed spec.
        Map<String, String> cli = new HashMap<>(aws.config());
        cli.putAll(settings());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = FerryDev.replay(List.of("--integration", "flaky-billing", "--kind", "permanent"),
                dev.ferry.shared.config.FerryConfig.of(cli), new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("replay: " + n + " dead letters scanned, " + n + " matched, "
                + n + " replayed").contains("replayed      transform-dlq        flaky-billing");
        assertThat(quiet()).isTrue();
        assertThat(billing.requests("PUT", "/customers/")).hasSize(n);
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM_DLQ) + aws.depth(FerryConfig.Queue.DELIVER_DLQ)).isZero();
    }
}
