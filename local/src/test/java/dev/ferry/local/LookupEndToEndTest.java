package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.Await;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lookups through the whole pipeline with real parts: records polled from a CRM on loopback, mapped by
 * several transform workers (each its own runtime, as separate Lambda instances are, so each has its own
 * cache) that look owners up in the CRM's users API with an api key from moto's Secrets Manager, and
 * delivered to a billing API; SQS (ElasticMQ) carries retries, deferrals and dead letters.
 */
class LookupEndToEndTest {

    static final int WORKERS = 3;
    static final String API_KEY = "crm-lookup-key-7f3a";
    /** The CRM's users: e-mail -> id. */
    static final Map<String, Integer> OWNERS = Map.of("ada@example.com", 101, "grace@example.com", 102,
            "alan@example.com", 103, "edsger@example.com", 104, "barbara@example.com", 105, "donald@example.com", 106);
    static final String GHOST = "ghost@example.com";

    static AwsEmulators aws;
    static FakeApi crm;
    static FakeApi billing;

    @TempDir
    Path specs;
    LocalFerry ferry;
    Workers workers;
    final Map<String, JsonNode> delivered = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

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
        aws.putSecret("ferry/crm/lookup", "{\"apiKey\":\"" + API_KEY + "\"}");
        billing.on("PUT", "/customers/*", r -> {
            String id = r.path().substring("/customers/".length());
            delivered.put(id, Json.MAPPER.readTree(r.body()));
            deliveries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            return Reply.json(200, "{\"ok\":true}");
        });
    }

    @AfterEach
    void stopWorkers() {
        if (workers != null) workers.close();
    }

    static final String SPEC = """
            name: owned-contacts
            description: CRM contacts to billing customers, with the owner's CRM user id looked up by e-mail
            source:
              recordId: /id
              list: { url: "${crm.url}/contacts", recordsPath: /data }
            schedule: rate(1 minute)
            mapping:
              customer_id: { from: /id, required: true }
              owner_id: { from: /owner_email, required: true, trim: true, case: lower, lookup: owners, type: integer }
            lookups:
              owners:
                url: "${crm.url}/users?email={value}"
                auth: { type: api-key, secret: ferry/crm/lookup, field: apiKey, rotation: "test key" }
                path: /data/0/id
                ttlSeconds: 300
                limits: { timeoutMs: 2000, retries: 0 }
            destination:
              method: PUT
              url: "${billing.url}/customers/{recordId}"
            """;

    /** The pipeline with {@code workers} transform workers, each its own runtime (own cache). */
    void startPipeline(int count, Map<String, String> extra) throws IOException {
        Files.writeString(specs.resolve("owned-contacts.yaml"), SPEC);
        Map<String, String> settings = new HashMap<>();
        settings.put("crm.url", crm.baseUrl());
        settings.put("billing.url", billing.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        settings.put(FerryConfig.LOCAL_MODE, "true");
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.putAll(extra);
        workers = Workers.start(aws, settings, FerryConfig.Queue.TRANSFORM, count);
        ferry = workers.ferry();
    }

    /**
     * The contacts' list: record c-i is owned by owners[i % owners.size()], its e-mail written in varying case
     * and spacing (the rule trims and lower-cases it); then {@code ghosts} records g-i owned by an unknown e-mail.
     */
    static void serveContacts(List<String> owners, int n, int ghosts) {
        StringBuilder page = new StringBuilder("{\"data\":[");
        for (int i = 0; i < n + ghosts; i++) {
            String email = i < n ? owners.get(i % owners.size()) : GHOST;
            String written = switch (i % 3) {
                case 0 -> email;
                case 1 -> " " + email.toUpperCase(Locale.ROOT) + " ";
                default -> Character.toUpperCase(email.charAt(0)) + email.substring(1);
            };
            String id = i < n ? "c-" + i : "g-" + (i - n);
            page.append(i == 0 ? "" : ",").append("{\"id\":\"").append(id).append("\",\"owner_email\":\"").append(written).append("\"}");
        }
        page.append("]}");
        crm.on("GET", "/contacts", r -> Reply.json(200, page.toString()));
    }

    /** The users API: the user for a known e-mail, 404 for others. Only with the api key. */
    static Reply users(FakeApi.RecordedRequest r) {
        if (!API_KEY.equals(r.header("X-Api-Key"))) {
            return Reply.json(401, "{\"error\":\"bad key\"}");
        }
        String email = r.queryParam("email").orElse("");
        Integer id = OWNERS.get(email);
        return id == null ? Reply.json(404, "{\"error\":\"no such user\"}")
                : Reply.json(200, "{\"data\":[{\"id\":" + id + ",\"email\":\"" + email + "\"}]}");
    }

    static boolean quiet() {
        return Await.quiet(aws, Duration.ofSeconds(90), FerryConfig.Queue.FETCH, FerryConfig.Queue.TRANSFORM, FerryConfig.Queue.DELIVER);
    }

    @Test
    void eachWorkerAsksOncePerDistinctOwnerAndUnknownOwnersAreDeadLetteredWithTheirReason() throws IOException {
        List<String> owners = new ArrayList<>(OWNERS.keySet());
        owners.sort(null);
        int known = 120;
        serveContacts(owners, known, 5);
        crm.on("GET", "/users", LookupEndToEndTest::users);
        startPipeline(WORKERS, Map.of());

        assertThat(ferry.invokeSchedule("owned-contacts").get("queued").asInt()).isEqualTo(known + 5);
        assertThat(quiet()).as("pipeline drained").isTrue();

        // Every known contact delivered once, with its owner's id.
        for (int i = 0; i < known; i++) {
            String id = "c-" + i;
            assertThat(delivered.get(id)).as(id).isNotNull();
            assertThat(delivered.get(id).get("owner_id").asInt()).as(id).isEqualTo(OWNERS.get(owners.get(i % owners.size())));
            assertThat(deliveries.get(id).get()).as(id + " delivered once").isEqualTo(1);
        }
        // Unknown owners: dead-lettered at transform, the reason naming field, value and lookup.
        List<Message> dead = aws.drain(FerryConfig.Queue.TRANSFORM_DLQ);
        assertThat(dead).hasSize(5);
        for (Message m : dead) {
            JsonNode envelope = Json.MAPPER.readTree(m.body());
            assertThat(envelope.get("recordId").asText()).startsWith("g-");
            JsonNode failures = envelope.get("failures");
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0).get("kind").asText()).isEqualTo("permanent");
            assertThat(failures.get(0).get("reason").asText())
                    .contains("field 'owner_id' (from /owner_email): lookup 'owners' found nothing for 'ghost@example.com'")
                    .doesNotContain(API_KEY);
            assertThat(m.body()).doesNotContain(API_KEY);
        }
        assertThat(delivered.keySet()).noneMatch(id -> id.startsWith("g-"));
        assertThat(aws.depth(FerryConfig.Queue.DELIVER_DLQ)).isZero();

        // One cache per worker: each worker asks at most once per distinct (normalised) e-mail.
        int distinct = OWNERS.size() + 1;
        int gets = crm.requests("GET", "/users").size();
        long counted = workers.runtimes().stream().mapToLong(r -> r.lookups().requests()).sum();
        assertThat(counted).as("the runtimes count the GETs the API saw").isEqualTo(gets);
        assertThat(gets).as("lookup GETs for %d records, %d distinct e-mails, %d workers", known + 5, distinct, WORKERS)
                .isBetween(distinct, distinct * WORKERS);
        assertThat(crm.requests("GET", "/users")).allMatch(r -> API_KEY.equals(r.header("X-Api-Key")));
        System.out.printf("lookups end-to-end: %d records, %d distinct owner e-mails, %d transform workers: %d lookup GETs"
                        + " (per worker %s; without the cache: %d)%n", known + 5, distinct, WORKERS, gets,
                workers.runtimes().stream().map(r -> Long.toString(r.lookups().requests())).toList(), known + 5);
    }

    @Test
    void aThrottledLookupDefersTheRecordWithoutSpendingAnAttemptThenDelivers() throws IOException {
        List<String> owners = List.of("ada@example.com", "grace@example.com");
        serveContacts(owners, 10, 0);
        AtomicInteger throttled = new AtomicInteger();
        crm.on("GET", "/users", r -> {
            if (r.queryParam("email").orElse("").equals("grace@example.com") && throttled.getAndIncrement() < 2) {
                return Reply.json(429, "{\"error\":\"slow down\"}").header("Retry-After", "1");
            }
            return users(r);
        });
        // One attempt only: a failure that spent an attempt would dead-letter the record at once.
        startPipeline(1, Map.of(FerryConfig.MAX_ATTEMPTS, "1"));

        assertThat(ferry.invokeSchedule("owned-contacts").get("queued").asInt()).isEqualTo(10);
        assertThat(quiet()).as("pipeline drained").isTrue();

        assertThat(throttled.get()).as("the API throttled").isGreaterThanOrEqualTo(2);
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM_DLQ)).as("deferrals spend no attempt").isZero();
        assertThat(delivered).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(delivered.get("c-" + i).get("owner_id").asInt()).isEqualTo(OWNERS.get(owners.get(i % 2)));
        }
        // Each 429 was answered by the API, and not cached: after them, one successful GET per e-mail.
        List<String> asked = crm.requests("GET", "/users").stream().map(r -> r.queryParam("email").orElse("")).toList();
        assertThat(asked.stream().filter(e -> e.equals("ada@example.com")).count()).isEqualTo(1);
        assertThat(asked.stream().filter(e -> e.equals("grace@example.com")).count()).isEqualTo(3);
    }
}
