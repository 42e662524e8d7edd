package dev.ferry.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.Failure;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.metrics.RecordEvent;
import dev.ferry.shared.metrics.StepMetrics;
import dev.ferry.shared.replay.Replayer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's routes over a real loopback HTTP server, with its own in-memory dead letters: the page and the JSON
 * escape hostile record text, counts are summed from metric groups as the functions publish them, a trail follows one
 * trace, and POSTs need the page's header.
 */
class ConsoleRoutesTest {

    static final String HOSTILE = "<img src=x onerror=alert(1)></td><script>alert(2)</script>";
    static final Instant NOW = Instant.parse("2026-12-01T10:15:30Z");

    final ConsoleRecorder recorder = new ConsoleRecorder(Clock.fixed(NOW, ZoneOffset.UTC));
    final List<Replayer.DeadLetter> letters = new CopyOnWriteArrayList<>();
    final List<Replayer.Filter> replays = new CopyOnWriteArrayList<>();
    HttpServer server;
    String base;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        DeadLetterSource source = new DeadLetterSource() {
            @Override
            public List<Replayer.DeadLetter> deadLetters() {
                return List.copyOf(letters);
            }

            @Override
            public Replayer.Report replay(Replayer.Filter filter) {
                replays.add(filter);
                List<Replayer.Item> items = new ArrayList<>();
                for (Replayer.DeadLetter l : letters) {
                    if (l.envelope() != null && l.envelope().recordId().equals(filter.recordId())) {
                        items.add(new Replayer.Item(l.queue(), l.envelope().integration(), l.envelope().recordId(),
                                filter.dryRun() ? "would-replay" : "replayed", "transform", l.envelope().sourcePayload(), null));
                    }
                }
                if (!filter.dryRun()) {
                    letters.removeIf(l -> l.envelope() != null && l.envelope().recordId().equals(filter.recordId()));
                }
                return new Replayer.Report(items.size(), items.size(), filter.dryRun() ? 0 : items.size(), items);
            }
        };
        ConsoleRoutes routes = new ConsoleRoutes(recorder, source, () -> List.of("shop", HOSTILE), () -> new TreeSet<>(List.of("shop")));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                routes.handle(exchange);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static Replayer.DeadLetter hostileLetter() {
        JsonNode source = Json.MAPPER.createObjectNode().put("id", HOSTILE).put("notes", HOSTILE);
        Envelope e = Envelope.fresh("shop", HOSTILE, "k1", "trace-1", new Envelope.SourceInfo("webhook", "d1", NOW, false), source)
                .mapped(Json.MAPPER.createObjectNode().put("note", HOSTILE))
                .withFailure(new Failure("deliver", 1, FailureKind.RETRYABLE, "PUT /x answered 500", 500, null, NOW))
                .withFailure(new Failure("deliver", 2, FailureKind.PERMANENT, "refused: " + HOSTILE, 422, "{\"error\":\"" + HOSTILE + "\"}", NOW));
        return new Replayer.DeadLetter("deliver-dlq", "m-1", e, null);
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, boolean withHeader) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody());
        if (withHeader) {
            b.header(ConsoleRoutes.POST_HEADER, "1");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageEscapesEverythingItShowsAndAllowsNoInlineScript() throws Exception {
        letters.add(hostileLetter());
        recorder.trail().seen(new RecordEvent("deliver", "shop", HOSTILE, "trace-1", RecordEvent.Outcome.DEAD_LETTERED, 2, HOSTILE, NOW));
        HttpResponse<String> page = get("/console");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-inline"));
        assertThat(page.body()).doesNotContain("<img src=x").doesNotContain("<script>alert")
                .contains("&lt;img src=x onerror=alert(1)&gt;&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;");
        assertThat(page.body()).contains("<script src=\"/console/console.js\" defer></script>");
        assertThat(page.body().split("<script").length - 1).as("one script element, not inline").isEqualTo(1);
        assertThat(get("/console/console.js").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/console/console.js").body()).doesNotContain("innerHTML").contains("textContent");
    }

    @Test
    void deadLettersComeWithTheirWholeHistoryAsJsonThatIsNeverSniffedAsHtml() throws Exception {
        letters.add(hostileLetter());
        HttpResponse<String> answer = get("/console/api/dead-letters");
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(answer.headers().firstValue("x-content-type-options")).hasValue("nosniff");
        JsonNode body = Json.MAPPER.readTree(answer.body());
        assertThat(body.get("count").asInt()).isEqualTo(1);
        JsonNode letter = body.get("deadLetters").get(0);
        assertThat(letter.get("recordId").asText()).isEqualTo(HOSTILE); // JSON carries it as it is; the page sets it as text
        assertThat(letter.get("traceId").asText()).isEqualTo("trace-1");
        assertThat(letter.get("failures")).hasSize(2);
        assertThat(letter.get("failures").get(0).get("kind").asText()).isEqualTo("retryable");
        assertThat(letter.get("failures").get(1).get("httpStatus").asInt()).isEqualTo(422);
        assertThat(letter.get("summary").asText()).isEqualTo("permanent at deliver (422)");
        assertThat(letter.get("received").get("notes").asText()).isEqualTo(HOSTILE);
        assertThat(letter.get("mapped").get("note").asText()).isEqualTo(HOSTILE);
    }

    @Test
    void countsAreSummedPerIntegrationAndStepFromTheMetricsTheFunctionsPublish() throws Exception {
        for (int invocation = 0; invocation < 3; invocation++) {
            StepMetrics m = StepMetrics.collecting();
            m.webhookAccepted("shop");
            m.recordIn("shop", "transform");
            m.forwarded("shop", "transform", 1);
            m.recordIn("shop", "deliver");
            if (invocation == 2) {
                m.deadLettered("shop", "deliver", FailureKind.PERMANENT);
                m.webhookRejected("shop", StepMetrics.Rejection.SIGNATURE);
            } else {
                m.delivered("shop", "deliver");
            }
            m.apiCall("billing", StepMetrics.StatusClass.S2XX, 12); // per API: not a row
            recorder.metrics(groups -> { }).publish(m.drain());
        }
        JsonNode rows = Json.MAPPER.readTree(get("/console/api/counts").body()).get("rows");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).get("step").asText()).isEqualTo("webhook");
        assertThat(rows.get(0).get("in").asLong()).isEqualTo(4);
        assertThat(rows.get(0).get("forwarded").asLong()).isEqualTo(3);
        assertThat(rows.get(0).get("rejected").asLong()).isEqualTo(1);
        assertThat(rows.get(1).get("step").asText()).isEqualTo("transform");
        assertThat(rows.get(1).get("forwarded").asLong()).isEqualTo(3);
        assertThat(rows.get(2).get("step").asText()).isEqualTo("deliver");
        assertThat(rows.get(2).get("in").asLong()).isEqualTo(3);
        assertThat(rows.get(2).get("delivered").asLong()).isEqualTo(2);
        assertThat(rows.get(2).get("deadLettered").asLong()).isEqualTo(1);
    }

    @Test
    void aTrailFollowsOneTraceInOrder() throws Exception {
        recorder.trail().seen(new RecordEvent("webhook", "shop", "r1", "t-a", RecordEvent.Outcome.ACCEPTED, 1, null, NOW));
        recorder.trail().seen(new RecordEvent("webhook", "shop", "r2", "t-b", RecordEvent.Outcome.ACCEPTED, 1, null, NOW));
        recorder.trail().seen(new RecordEvent("deliver", "shop", "r1", "t-a", RecordEvent.Outcome.DELIVERED, 1, "PUT /c/r1 answered 200", NOW));
        JsonNode body = Json.MAPPER.readTree(get("/console/api/trail?trace=t-a").body());
        assertThat(body.get("events")).hasSize(2);
        assertThat(body.get("events").get(0).get("outcome").asText()).isEqualTo("accepted");
        assertThat(body.get("events").get(1).get("outcome").asText()).isEqualTo("delivered");
        assertThat(body.get("events").get(1).get("at").asText()).isEqualTo("2026-12-01T10:15:30Z");
        assertThat(get("/console/api/trail").statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(get("/console/api/recent").body()).get("events").get(0).get("recordId").asText()).isEqualTo("r1");
    }

    @Test
    void aTrailKeepsOnlyTheNewestEvents() {
        RecordTrail trail = new RecordTrail(Clock.fixed(NOW, ZoneOffset.UTC), 3);
        for (int i = 0; i < 5; i++) {
            trail.seen(new RecordEvent("deliver", "shop", "r" + i, "t", RecordEvent.Outcome.DELIVERED, 1, null, NOW));
        }
        assertThat(trail.trail("t")).extracting(RecordTrail.Entry::recordId).containsExactly("r2", "r3", "r4");
    }

    @Test
    void replayNeedsThePagesHeaderPreviewsFirstAndPutsTheReplayOnTheTrail() throws Exception {
        letters.add(hostileLetter());
        String q = "/console/api/replay?integration=shop&record=" + java.net.URLEncoder.encode(HOSTILE, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(post(q + "&dryRun=true", false).statusCode()).isEqualTo(403);
        assertThat(replays).isEmpty();

        JsonNode preview = Json.MAPPER.readTree(post(q + "&dryRun=true", true).body());
        assertThat(preview.get("items").get(0).get("action").asText()).isEqualTo("would-replay");
        assertThat(replays.getLast().dryRun()).isTrue();
        assertThat(replays.getLast().recordId()).isEqualTo(HOSTILE);
        assertThat(replays.getLast().integration()).isEqualTo("shop");
        assertThat(letters).hasSize(1);

        JsonNode done = Json.MAPPER.readTree(post(q, true).body());
        assertThat(done.get("replayed").asInt()).isEqualTo(1);
        assertThat(recorder.trail().trail("trace-1")).extracting(RecordTrail.Entry::outcome).containsExactly("replayed");

        assertThat(post("/console/api/replay?integration=shop", true).statusCode()).isEqualTo(400);
        assertThat(post(q + "&kind=permanent", true).statusCode()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(post("/console/api/reload", true).body()).get("changed").get(0).asText()).isEqualTo("shop");
    }

    @Test
    void onlyLoopbackHostNamesAreAnswered() {
        assertThat(ConsoleRoutes.loopbackHost("127.0.0.1:8080")).isTrue();
        assertThat(ConsoleRoutes.loopbackHost("localhost:8080")).isTrue();
        assertThat(ConsoleRoutes.loopbackHost("[::1]:8080")).isTrue();
        assertThat(ConsoleRoutes.loopbackHost("evil.example:8080")).isFalse();
        assertThat(ConsoleRoutes.loopbackHost("127.0.0.1.evil.example")).isFalse();
        assertThat(ConsoleRoutes.loopbackHost(null)).isFalse();
    }
}
