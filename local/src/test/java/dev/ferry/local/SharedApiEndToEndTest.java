package dev.ferry.local;

import dev.ferry.shared.config.FerryConfig;
import dev.ferry.testing.Arrivals;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two integrations deliver to one API declared once in apis/: they share its one rate budget (across separate
 * workers, as separate Lambda instances) and its one circuit (a failing integration opens it for both).
 */
class SharedApiEndToEndTest {

    /**
     * How late a request the limiter let through in time may reach the fake API on a busy machine: rate windows are
     * counted over 1 s less this (see Arrivals#busiest(Duration, Duration)), not over arrivals' wall-clock second.
     */
    static final Duration ARRIVAL_LATENESS = Duration.ofMillis(250);

    static final int RPS = 8;
    static final int BURST = 2;

    @TempDir
    static Path root;

    static AwsEmulators aws;
    static FakeApi crm;
    static FakeApi ledger;
    Workers workers;

    @BeforeAll
    static void start() throws IOException {
        aws = AwsEmulators.builder().visibilityTimeoutSeconds(2).maxReceiveCount(10).start();
        crm = FakeApi.start();
        ledger = FakeApi.start();
        Path apis = Files.createDirectories(root.resolve("apis"));
        Path integrations = Files.createDirectories(root.resolve("integrations"));
        Files.writeString(apis.resolve("ledger.yaml"), """
                name: ledger
                description: the one ledger both integrations write to
                owner: finance
                baseUrl: "${ledger.url}"
                limits:
                  requestsPerSecond: %d
                  burst: %d
                  timeoutMs: 2000
                  circuitBreaker: { failureRatio: 0.5, requestVolume: 4, delayMs: 60000, successThreshold: 1 }
                """.formatted(RPS, BURST));
        for (String name : new String[] {"alpha", "beta"}) {
            Files.writeString(integrations.resolve(name + ".yaml"), """
                    name: %1$s
                    description: records of %1$s to the shared ledger
                    source:
                      recordId: /id
                      list: { url: "${crm.url}/%1$s", recordsPath: /data }
                    schedule: rate(1 minute)
                    mapping:
                      id: { from: /id, required: true }
                    destination:
                      api: ledger
                      method: PUT
                      url: /%1$s/{recordId}
                    """.formatted(name));
        }
    }

    @AfterAll
    static void stop() {
        if (crm != null) crm.close();
        if (ledger != null) ledger.close();
        if (aws != null) aws.close();
    }

    @BeforeEach
    void reset() {
        aws.reset();
        crm.reset();
        ledger.reset();
    }

    @AfterEach
    void stopWorkers() {
        if (workers != null) workers.close();
    }

    static Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>();
        settings.put("crm.url", crm.baseUrl());
        settings.put("ledger.url", ledger.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, root.resolve("integrations").toString());
        settings.put(FerryConfig.LOCAL_MODE, "true");
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.put(FerryConfig.MAX_ATTEMPTS, "5");
        return settings;
    }

    static String depths() {
        StringBuilder out = new StringBuilder("queues:");
        for (FerryConfig.Queue q : FerryConfig.Queue.values()) {
            out.append(' ').append(q).append('=').append(aws.depth(q));
        }
        aws.drain(FerryConfig.Queue.TRANSFORM_DLQ).stream().limit(1).forEach(m -> out.append("\n transform DLQ: ").append(m.body()));
        aws.drain(FerryConfig.Queue.DELIVER_DLQ).stream().limit(1).forEach(m -> out.append("\n deliver DLQ: ").append(m.body()));
        return out + " ledger saw " + ledger.requests().size();
    }

    static void serve(String integration, int from, int n) {
        StringBuilder page = new StringBuilder("{\"data\":[");
        for (int i = from; i < from + n; i++) {
            page.append(i == from ? "" : ",").append("{\"id\":\"").append(integration).append('-').append(i).append("\"}");
        }
        crm.on("GET", "/" + integration, FakeApi.Reply.json(200, page.append("]}").toString()));
    }

    @Test
    void twoIntegrationsOnSeparateWorkersShareTheApisOneBudget() {
        int each = 30;
        Arrivals arrivals = new Arrivals();
        ledger.on("PUT", "/*", request -> {
            arrivals.record();
            return FakeApi.Reply.json(200, "{\"ok\":true}");
        });
        serve("alpha", 0, each);
        serve("beta", 0, each);
        workers = Workers.start(aws, settings(), FerryConfig.Queue.DELIVER, 3);

        assertThat(workers.ferry().invokeSchedule("alpha").get("queued").asInt()).isEqualTo(each);
        assertThat(workers.ferry().invokeSchedule("beta").get("queued").asInt()).isEqualTo(each);
        assertThat(ledger.awaitRequests("PUT", "/", 2 * each, Duration.ofSeconds(180))).as(SharedApiEndToEndTest::depths).isTrue();

        int busiest = arrivals.busiest(Duration.ofSeconds(1), ARRIVAL_LATENESS);
        System.out.printf("shared API: %d requests from two integrations on 3 workers in %.1f s (%.1f/s), busiest 1 s window %d"
                + " (API limit %d/s + burst %d)%n", arrivals.count(), arrivals.spanSeconds(), arrivals.ratePerSecond(), busiest, RPS, BURST);
        assertThat(busiest).as("both integrations together stay within the API's one budget").isLessThanOrEqualTo(RPS + BURST);
        assertThat(ledger.requests("PUT", "/alpha/")).hasSize(each);
        assertThat(ledger.requests("PUT", "/beta/")).hasSize(each);
    }

    @Test
    void oneIntegrationsFailuresOpenTheApisCircuitForTheOtherToo() {
        ledger.on("PUT", "/alpha/*", FakeApi.Reply.json(500, "{\"error\":\"ledger is down\"}"));
        ledger.on("PUT", "/beta/*", FakeApi.Reply.json(200, "{\"ok\":true}"));
        workers = Workers.start(aws, settings(), FerryConfig.Queue.DELIVER, 1);

        serve("beta", 0, 1);
        workers.ferry().invokeSchedule("beta");
        assertThat(ledger.awaitRequests("PUT", "/beta/", 1, Duration.ofSeconds(20))).as(() -> "beta's path works; " + depths()).isTrue();

        serve("alpha", 0, 6);
        workers.ferry().invokeSchedule("alpha");
        // The circuit's window is 4 calls: beta's success and three of alpha's failures open it.
        assertThat(ledger.awaitRequests("PUT", "/alpha/", 3, Duration.ofSeconds(30))).as(SharedApiEndToEndTest::depths).isTrue();
        int alphaCalls = ledger.requests("PUT", "/alpha/").size();

        serve("beta", 1, 3);
        workers.ferry().invokeSchedule("beta");
        assertThat(ledger.awaitRequests("PUT", "/beta/", 2, Duration.ofSeconds(6)))
                .as("beta's records wait for the circuit alpha's failures opened: the ledger sees none").isFalse();
        assertThat(ledger.requests("PUT", "/beta/")).hasSize(1);
        assertThat(ledger.requests("PUT", "/alpha/").size()).as("alpha stops calling too").isLessThanOrEqualTo(alphaCalls + 1);
    }
}
