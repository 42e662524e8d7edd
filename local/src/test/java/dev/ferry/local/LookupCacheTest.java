package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.auth.OutboundAuth;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.api.ApiClients;
import dev.ferry.shared.lookup.LookupService;
import dev.ferry.shared.spec.ApiRegistry;
import dev.ferry.shared.mapping.Lookups;
import dev.ferry.shared.resilience.RateLimiter;
import dev.ferry.shared.resilience.ResilientCalls;
import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The lookups' cache with real parts: a real HTTP API on loopback ({@link FakeApi}), the api key in moto's
 * Secrets Manager, Ferry's real {@link OutboundAuth} and {@link ResilientCalls}. Cache time moves by a
 * Caffeine {@link Ticker} the test controls; nothing sleeps for the TTL.
 */
class LookupCacheTest {

    static final String API_KEY = "lookup-key-0451";

    static AwsEmulators aws;
    static FakeApi crm;

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final Ticker ticker = nanos::get;
    LookupService service;
    IntegrationSpec spec;
    Lookups lookups;

    @BeforeAll
    static void start() {
        aws = AwsEmulators.start();
        aws.putSecret("ferry/crm/lookup-api", "{\"apiKey\":\"" + API_KEY + "\"}");
        crm = FakeApi.start();
    }

    @AfterAll
    static void stop() {
        if (crm != null) crm.close();
        if (aws != null) aws.close();
    }

    @BeforeEach
    void fresh() {
        crm.reset();
        Clock clock = Clock.systemUTC();
        HttpCaller http = new HttpCaller(Duration.ofSeconds(5));
        OutboundAuth auth = new OutboundAuth(new SecretsProvider(aws.secretsManager(), Duration.ofMinutes(5), clock), http, clock);
        ResilientCalls resilience = new ResilientCalls(() -> new RateLimiter(aws.dynamoDb(), aws.stateTable(), clock),
                Duration.ofSeconds(5), clock);
        service = new LookupService(new ApiClients(http, () -> auth, () -> resilience, () -> ApiRegistry.EMPTY), ticker);
        spec = new SpecLoader(key -> key.equals("crm.url") ? Optional.of(crm.baseUrl()) : Optional.empty(), true)
                .load("lookups.yaml", """
                        name: lookups
                        source: { recordId: /id }
                        webhook:
                          deliveryIdHeader: X-Delivery
                          signature: { header: X-Signature, secret: ferry/test/hook }
                        mapping:
                          owner_id: { from: /owner_email, lookup: owners }
                        lookups:
                          owners:
                            url: "${crm.url}/users?email={value}"
                            auth: { type: api-key, secret: ferry/crm/lookup-api, field: apiKey, rotation: test }
                            path: /data/0/id
                            ttlSeconds: 300
                            limits: { timeoutMs: 2000, retries: 0 }
                        destination: { method: PUT, url: "https://billing.example.com/c/{recordId}" }
                        """);
        lookups = service.forSpec(spec);
    }

    /** Answers {"data":[{"id": N}]} for known e-mails (N = its length), an empty list for others. */
    static Reply users(FakeApi.RecordedRequest r, Map<String, Integer> ids) {
        String email = r.queryParam("email").orElse("");
        Integer id = ids.get(email);
        return Reply.json(200, id == null ? "{\"data\":[]}" : "{\"data\":[{\"id\":" + id + ",\"email\":\"" + email + "\"}]}");
    }

    int gets() {
        return crm.requests("GET", "/users").size();
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void concurrentRecordsWantingOneValueWaitForOneGet() throws Exception {
        crm.on("GET", "/users", r -> users(r, Map.of("ada@example.com", 42)).delay(Duration.ofMillis(300)));
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<JsonNode>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return lookups.find("owners", "ada@example.com");
                }));
            }
            go.countDown();
            for (Future<Optional<JsonNode>> answer : answers) {
                assertThat(answer.get().orElseThrow().asInt()).isEqualTo(42);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(gets()).as("one GET for %d concurrent records", threads).isEqualTo(1);
        assertThat(service.requests()).isEqualTo(1);
        FakeApi.RecordedRequest get = crm.requests().getFirst();
        assertThat(get.header("X-Api-Key")).as("credentials from Secrets Manager").isEqualTo(API_KEY);
        assertThat(get.queryParam("email")).contains("ada@example.com");
    }

    @Test
    void eachDistinctValueIsFetchedOncePerTtl() {
        crm.on("GET", "/users", r -> users(r, Map.of("a@example.com", 1, "b@example.com", 2, "c+tag@example.com", 3)));

        for (int round = 0; round < 5; round++) {
            assertThat(lookups.find("owners", "a@example.com")).contains(json("1"));
            assertThat(lookups.find("owners", "b@example.com")).contains(json("2"));
            assertThat(lookups.find("owners", "c+tag@example.com")).as("the value is URL-encoded").contains(json("3"));
        }
        assertThat(gets()).isEqualTo(3);

        advance(Duration.ofSeconds(299));
        lookups.find("owners", "a@example.com");
        assertThat(gets()).as("still fresh just before the TTL").isEqualTo(3);

        advance(Duration.ofSeconds(2));
        assertThat(lookups.find("owners", "a@example.com")).contains(json("1"));
        assertThat(lookups.find("owners", "a@example.com")).contains(json("1"));
        assertThat(gets()).as("fetched again once after the TTL").isEqualTo(4);
    }

    @Test
    void notFoundIsCachedForAtMostAMinute() {
        crm.on("GET", "/users", r -> r.queryParam("email").orElse("").startsWith("gone")
                ? Reply.json(404, "{\"error\":\"no such user\"}") : users(r, Map.of()));

        assertThat(lookups.find("owners", "gone@example.com")).as("404").isEmpty();
        assertThat(lookups.find("owners", "nobody@example.com")).as("nothing at /data/0/id").isEmpty();
        assertThat(lookups.find("owners", "gone@example.com")).isEmpty();
        assertThat(lookups.find("owners", "nobody@example.com")).isEmpty();
        assertThat(gets()).isEqualTo(2);

        advance(Duration.ofSeconds(61));
        lookups.find("owners", "gone@example.com");
        lookups.find("owners", "nobody@example.com");
        assertThat(gets()).as("not-found answers expire after 60 s although the TTL is 300 s").isEqualTo(4);
    }

    @Test
    void failuresAreNotCached() {
        AtomicInteger calls = new AtomicInteger();
        crm.on("GET", "/users", r -> switch (calls.incrementAndGet()) {
            case 1 -> Reply.json(500, "{\"error\":\"database down\"}");
            case 2 -> Reply.json(429, "{\"error\":\"slow down\"}").header("Retry-After", "7");
            default -> users(r, Map.of("ada@example.com", 42));
        });

        StepFailure error = catchThrowableOfType(StepFailure.class, () -> lookups.find("owners", "ada@example.com"));
        assertThat(error.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(error.httpStatus()).isEqualTo(500);
        assertThat(error.getMessage()).contains("/users?…").doesNotContain(API_KEY).doesNotContain("ada@example.com");

        StepFailure throttled = catchThrowableOfType(StepFailure.class, () -> lookups.find("owners", "ada@example.com"));
        assertThat(throttled.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(throttled.retryAfterSeconds()).isEqualTo(7);

        assertThat(lookups.find("owners", "ada@example.com")).contains(json("42"));
        assertThat(lookups.find("owners", "ada@example.com")).contains(json("42"));
        assertThat(gets()).as("500, 429, then one success that is cached").isEqualTo(3);
    }

    @Test
    void aBodyThatIsNotJsonFailsPermanentlyAndIsNotCached() {
        crm.on("GET", "/users", Reply.text(200, "<html>login</html>"));

        StepFailure f = catchThrowableOfType(StepFailure.class, () -> lookups.find("owners", "ada@example.com"));
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).contains("not JSON");
        catchThrowableOfType(StepFailure.class, () -> lookups.find("owners", "ada@example.com"));
        assertThat(gets()).isEqualTo(2);
    }

    @Test
    void theCacheIsBoundedPerLookup() throws Exception {
        IntegrationSpec small = new SpecLoader(key -> key.equals("crm.url") ? Optional.of(crm.baseUrl()) : Optional.empty(), true)
                .load("small.yaml", """
                        name: small
                        source: { recordId: /id }
                        webhook:
                          deliveryIdHeader: X-Delivery
                          signature: { header: X-Signature, secret: ferry/test/hook }
                        mapping:
                          owner_id: { from: /owner_email, lookup: owners }
                        lookups:
                          owners: { url: "${crm.url}/users?email={value}", path: /data/0/id, maxEntries: 10 }
                        destination: { method: PUT, url: "https://billing.example.com/c/{recordId}" }
                        """);
        crm.on("GET", "/users", r -> users(r, Map.of()));
        Lookups bounded = service.forSpec(small);
        for (int i = 0; i < 200; i++) {
            bounded.find("owners", "u" + i + "@example.com");
        }
        int afterFill = gets();
        for (int i = 0; i < 200; i++) {
            bounded.find("owners", "u" + i + "@example.com");
        }
        assertThat(afterFill).isEqualTo(200);
        assertThat(gets() - afterFill).as("only about 10 of 200 values stay cached").isGreaterThanOrEqualTo(185);
    }

    static JsonNode json(String text) {
        try {
            return dev.ferry.shared.json.Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
