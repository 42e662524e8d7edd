package dev.ferry.testing;

import dev.ferry.shared.api.ApiClient;
import dev.ferry.shared.api.ApiClients;
import dev.ferry.shared.api.ApiRequest;
import dev.ferry.shared.api.Traceparent;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.metrics.InMemoryMetrics;
import dev.ferry.shared.metrics.StepMetrics;
import dev.ferry.shared.auth.OutboundAuth;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.resilience.RateLimiter;
import dev.ferry.shared.resilience.ResilientCalls;
import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The API client built from real spec files (an {@code apis/} declaration and integrations referring to it), calling a
 * real API on loopback with budgets in DynamoDB Local and credentials in moto: credentials per attempt, the declared
 * rate-limit header style, the shared budget across integrations, and strict JSON.
 */
@ExtendWith(SharedEmulators.class)
class ApiClientTest {

    FakeApi api;
    @TempDir
    Path root;

    @BeforeEach
    void start() {
        api = FakeApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** Two APIs at the same server, one reading rate-limit headers (the default), one declared not to. */
    IntegrationRegistry registry(String suffix) throws IOException {
        Path apis = Files.createDirectories(root.resolve("apis"));
        Path integrations = Files.createDirectories(root.resolve("integrations"));
        for (String[] declared : new String[][] {{"loud", "auto"}, {"quiet", "none"}}) {
            Files.writeString(apis.resolve(declared[0] + suffix + ".yaml"), """
                    name: %s
                    description: a test API
                    baseUrl: "${api.url}"
                    auth: { type: bearer, secret: ferry/test/%s, field: token }
                    limits: { requestsPerSecond: 50, burst: 5, timeoutMs: 2000 }
                    rateLimitHeaders: %s
                    """.formatted(declared[0] + suffix, suffix, declared[1]));
        }
        for (String name : new String[] {"one", "two"}) {
            Files.writeString(integrations.resolve(name + suffix + ".yaml"), """
                    name: %1$s
                    description: writes to both
                    source: { recordId: /id, api: loud%2$s, get: { url: "/items/{id}" } }
                    webhook:
                      mode: thin
                      deliveryIdHeader: X-Delivery
                      signature: { header: X-Signature, prefix: "sha256=", secret: ferry/test/webhook, field: key }
                    mapping:
                      id: { from: /id, required: true }
                    destination: { api: quiet%2$s, method: PUT, url: "/out/{recordId}" }
                    """.formatted(name + suffix, suffix));
        }
        SpecLoader loader = new SpecLoader(key -> key.equals("api.url") ? Optional.of(api.baseUrl()) : Optional.empty(), true);
        return IntegrationRegistry.load(loader, List.of(apis), List.of(integrations));
    }

    ApiClients clients(AwsEmulators aws, IntegrationRegistry registry) {
        HttpCaller http = new HttpCaller(Duration.ofSeconds(2));
        Clock clock = Clock.systemUTC();
        OutboundAuth auth = new OutboundAuth(new SecretsProvider(aws.secretsManager(), Duration.ofMinutes(5), clock), http, clock);
        ResilientCalls calls = new ResilientCalls(() -> new RateLimiter(aws.dynamoDb(), aws.stateTable(), clock), Duration.ofSeconds(2), clock);
        return new ApiClients(http, () -> auth, () -> calls, registry::apis);
    }

    @Test
    void theDeclaredHeaderStyleDecidesWhetherAnApisSpentBudgetPausesItsClient(AwsEmulators aws) throws IOException {
        String suffix = "h" + System.nanoTime() % 100000;
        aws.putSecret("ferry/test/" + suffix, "{\"token\":\"t-1\"}");
        IntegrationRegistry registry = registry(suffix);
        ApiClients clients = clients(aws, registry);
        IntegrationSpec one = registry.require("one" + suffix);
        api.on("GET", "/items/*", FakeApi.Reply.json(200, "{\"id\":\"7\"}").header("RateLimit-Remaining", "0").header("RateLimit-Reset", "30"));
        api.on("PUT", "/out/*", FakeApi.Reply.json(200, "{}").header("RateLimit-Remaining", "0").header("RateLimit-Reset", "30"));

        ApiClient source = clients.source(one);
        assertThat(source.getJson(one.source().get().url().replace("{id}", "7"), "fetching 7").path("id").asText()).isEqualTo("7");
        ApiClient destination = clients.destination(one);
        destination.send(ApiRequest.json("PUT", one.destination().url().replace("{recordId}", "7"), one.destination().headers(), "{}".getBytes()));

        // loud (auto) heard "nothing left for 30 s": its next request is deferred, not sent. quiet (none) goes on.
        StepFailure paused = catchThrowableOfType(StepFailure.class, () -> source.reserve());
        assertThat(paused.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(paused.retryAfterSeconds()).isBetween(25, 30);
        assertThat(destination.send(destination.reserve(), ApiRequest.json("PUT", one.destination().url().replace("{recordId}", "8"),
                one.destination().headers(), "{}".getBytes())).status()).isEqualTo(200);
        // Credentials were added per attempt, and none of it by the call site.
        assertThat(api.requests()).hasSize(3).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer t-1"));
        assertThat(source.attempts() + destination.attempts()).isEqualTo(3);
    }

    @Test
    void twoIntegrationsReferringToOneApiShareItsPause(AwsEmulators aws) throws IOException {
        String suffix = "s" + System.nanoTime() % 100000;
        aws.putSecret("ferry/test/" + suffix, "{\"token\":\"t-2\"}");
        IntegrationRegistry registry = registry(suffix);
        ApiClients clients = clients(aws, registry);
        api.on("GET", "/items/*", FakeApi.Reply.json(200, "{\"id\":\"1\"}").header("X-RateLimit-Remaining", "0").header("X-RateLimit-Reset", "20"));

        IntegrationSpec one = registry.require("one" + suffix);
        clients.source(one).getJson(one.source().get().url().replace("{id}", "1"), "fetching 1");

        // The other integration's client is a view of the same API: it waits too, without calling.
        IntegrationSpec two = registry.require("two" + suffix);
        StepFailure waits = catchThrowableOfType(StepFailure.class,
                () -> clients.source(two).getJson(two.source().get().url().replace("{id}", "2"), "fetching 2"));
        assertThat(waits.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(api.requests()).hasSize(1);
        assertThat(clients.source(two)).isSameAs(clients.source(two)); // built once per section
        assertThat(clients.source(two)).isNotSameAs(clients.source(one));
    }

    @Test
    void aMalformedAnswerIsAPermanentFailureNamingTheRequest(AwsEmulators aws) throws IOException {
        String suffix = "j" + System.nanoTime() % 100000;
        aws.putSecret("ferry/test/" + suffix, "{\"token\":\"t-3\"}");
        IntegrationRegistry registry = registry(suffix);
        IntegrationSpec one = registry.require("one" + suffix);
        api.on("GET", "/items/*", FakeApi.Reply.json(200, "{\"id\":\"1\",\"id\":\"2\"}"));

        StepFailure f = catchThrowableOfType(StepFailure.class,
                () -> clients(aws, registry).source(one).getJson(one.source().get().url().replace("{id}", "1"), "fetching 1"));

        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).startsWith("fetching 1: GET " + api.baseUrl() + "/items/1 answered 200 with a body that is not JSON");
        assertThat(f.getMessage()).doesNotContain("t-3");
    }

    @Test
    void everyCallIsCountedUnderTheDeclaredApiByStatusClassWithItsLatencyAndCarriesATraceparent(AwsEmulators aws) throws Exception {
        String suffix = "m" + System.nanoTime() % 100000;
        aws.putSecret("ferry/test/" + suffix, "{\"token\":\"t-4\"}");
        IntegrationRegistry registry = registry(suffix);
        IntegrationSpec one = registry.require("one" + suffix);
        api.on("PUT", "/out/ok", FakeApi.Reply.json(200, "{}"));
        api.on("PUT", "/out/gone", FakeApi.Reply.json(404, "{}"));
        api.on("PUT", "/out/down", FakeApi.Reply.json(503, "{}"));
        api.on("PUT", "/out/slow", FakeApi.Reply.delayMillis(2_600, FakeApi.Reply.json(200, "{}")));
        api.on("PUT", "/out/cut", FakeApi.Reply.dropConnection());
        ApiClient destination = clients(aws, registry).destination(one);
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";

        StepMetrics metrics = StepMetrics.collecting();
        Invocation.untimed(metrics).run(() -> {
            for (String path : List.of("ok", "gone", "down", "slow", "cut")) {
                try {
                    destination.send(ApiRequest.json("PUT", api.baseUrl() + "/out/" + path, java.util.Map.of(), "{}".getBytes()).withTrace(trace));
                } catch (StepFailure expected) {
                    // each failure is classified by the client; here only what it recorded matters
                }
            }
            destination.send(ApiRequest.json("PUT", api.baseUrl() + "/out/ok", java.util.Map.of(), "{}".getBytes()));
            return null;
        });
        InMemoryMetrics sink = new InMemoryMetrics();
        sink.publish(metrics.drain());

        String name = "quiet" + suffix;
        assertThat(sink.sum(StepMetrics.API_CALLS, "Api", name)).isEqualTo(6);
        assertThat(sink.sum(StepMetrics.API_RESPONSES, "Api", name, "StatusClass", "2xx")).isEqualTo(2);
        assertThat(sink.sum(StepMetrics.API_RESPONSES, "Api", name, "StatusClass", "4xx")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.API_RESPONSES, "Api", name, "StatusClass", "5xx")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.API_RESPONSES, "Api", name, "StatusClass", "timeout")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.API_RESPONSES, "Api", name, "StatusClass", "error")).isEqualTo(1);
        List<Double> latencies = sink.values(StepMetrics.API_LATENCY, "Api", name);
        assertThat(latencies).hasSize(6);
        assertThat(latencies.get(3)).as("the timed-out call").isBetween(1_900.0, 2_600.0);

        List<FakeApi.RecordedRequest> sent = api.requests("PUT", "/out/");
        assertThat(sent).hasSize(6).allSatisfy(r -> assertThat(r.header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"));
        assertThat(sent.subList(0, 5)).allSatisfy(r -> assertThat(Traceparent.traceId(r.header("traceparent"))).isEqualTo(trace));
        assertThat(Traceparent.traceId(sent.get(5).header("traceparent"))).as("a call for no record: a trace of its own").isNotEqualTo(trace);
        assertThat(sent.stream().map(r -> r.header("traceparent")).distinct()).as("a new span per call").hasSize(6);
    }
}
