package dev.ferry.local.cli;

import dev.ferry.local.LocalFerry;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.poll.PollState;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ferry backfill end to end: a paging source (next token, since/until window) on loopback, the command's records queued
 * into ElasticMQ and delivered by LocalFerry's pipeline to a destination; progress drawn on a terminal; a source failing
 * mid-way stops it with exit 1 and a note of the windows done, and --resume continues after them. The schedule's cursor
 * never moves.
 */
class BackfillEndToEndTest {

    static final Instant FIRST = Instant.parse("2026-11-01T00:00:00Z");
    static final int RECORDS = 48; // one an hour over two days: four 12-hour windows
    static final int PAGE = 5;

    static final String SPEC = """
            name: items
            owner: test
            source:
              recordId: /id
              version: /updated_at
              list:
                url: "${items.url}/items"
                recordsPath: /data
                pagination: { type: next-token, tokenPath: /next, tokenParam: after }
                cursor: { type: timestamp, field: /updated_at, param: since, untilParam: until, maxWindow: PT12H }
            schedule: rate(5 minutes)
            mapping:
              item_id: { from: /id, required: true }
              at: { from: /updated_at }
            destination: { method: PUT, url: "${dest.url}/items/{recordId}" }
            """;

    static AwsEmulators aws;
    static FakeApi source;
    static FakeApi destination;
    static Path root;
    /** A window start the source answers 500 for (null: none). */
    static final AtomicReference<Instant> failAt = new AtomicReference<>();

    @BeforeAll
    static void start() {
        aws = AwsEmulators.start();
        source = FakeApi.start();
        destination = FakeApi.start();
        destination.on("PUT", "/items/*", Reply.json(200, "{\"ok\":true}"));
        source.on("GET", "/items", request -> {
            Instant since = Instant.parse(request.queryParam("since").orElseThrow());
            Instant until = Instant.parse(request.queryParam("until").orElseThrow());
            if (since.equals(failAt.get())) {
                return Reply.json(500, "{\"error\":\"down\"}");
            }
            List<String> inWindow = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                Instant at = FIRST.plus(Duration.ofHours(i));
                if (!at.isBefore(since) && at.isBefore(until)) {
                    inWindow.add("{\"id\":\"i-%02d\",\"updated_at\":\"%s\"}".formatted(i, at));
                }
            }
            int offset = request.queryParam("after").map(Integer::parseInt).orElse(0);
            List<String> page = inWindow.subList(Math.min(offset, inWindow.size()), Math.min(offset + PAGE, inWindow.size()));
            String next = offset + PAGE < inWindow.size() ? "\"" + (offset + PAGE) + "\"" : "null";
            return Reply.json(200, "{\"data\":[" + String.join(",", page) + "],\"next\":" + next + "}");
        });
        root = Trees.empty();
        Trees.write(root, "integrations/items.yaml", SPEC);
    }

    @AfterAll
    static void stop() {
        if (source != null) source.close();
        if (destination != null) destination.close();
        if (aws != null) aws.close();
    }

    static Cli backfill(String... extra) {
        List<String> args = new ArrayList<>(List.of("backfill", "items"));
        args.addAll(List.of(extra));
        args.addAll(List.of("--dir", root.toString(), "--local", "--set", "items.url=" + source.baseUrl(), "--set", "dest.url=" + destination.baseUrl()));
        aws.config().forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
        return Cli.run(true, args.toArray(String[]::new));
    }

    static Set<String> deliveredIds() {
        Set<String> ids = new HashSet<>();
        destination.requests("PUT", "/items/").forEach(r -> ids.add(r.path().substring("/items/".length())));
        return ids;
    }

    @Test
    void recordsAreDeliveredWithProgressAndAnInterruptedBackfillResumesAfterItsLastWindow() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("items.url", source.baseUrl());
        settings.put("dest.url", destination.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, root.resolve("integrations").toString());
        settings.put(FerryConfig.METRICS_ENABLED, "false");
        Path note = root.resolve(".ferry/backfill/items.json");
        PollState state = new PollState(aws.dynamoDb(), aws.stateTable(), Clock.systemUTC());
        try (LocalFerry ferry = new LocalFerry(aws, settings).startPollers()) {
            // the third window's first page fails: two windows done, noted, exit 1
            failAt.set(FIRST.plus(Duration.ofHours(24)));
            Cli first = backfill("--from", "2026-11-01T00:00:00Z", "--to", "2026-11-03T00:00:00Z");
            assertThat(first.exit()).as(first.all()).isEqualTo(Ferry.PROBLEMS);
            assertThat(first.err()).contains("backfill items [").contains("windows").contains("pages");
            assertThat(first.err().strip().lines().toList().getLast())
                    .startsWith("ferry backfill: the source failed: ").contains("500").endsWith("(continue with --resume)");
            assertThat(Json.MAPPER.readTree(Trees.read(note)).path("doneUntil").asText()).isEqualTo("2026-11-02T00:00:00Z");
            assertThat(destination.awaitRequests("PUT", "/items/", 24, Duration.ofSeconds(60))).as("the first two windows").isTrue();

            failAt.set(null);
            int before = source.requests("GET", "/items").size();
            Cli resumed = backfill("--resume");
            assertThat(resumed.exit()).as(resumed.all()).isEqualTo(Ferry.OK);
            assertThat(resumed.out().strip()).isEqualTo("backfill items [2026-11-02T00:00:00Z, 2026-11-03T00:00:00Z): 2 windows, 6 pages,"
                    + " 24 records queued for transform");
            assertThat(source.requests("GET", "/items").get(before).queryParam("since")).as("resumed after the last window done")
                    .contains("2026-11-02T00:00:00Z");
            assertThat(note).doesNotExist();
            assertThat(destination.awaitRequests("PUT", "/items/", RECORDS, Duration.ofSeconds(60))).isTrue();
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < RECORDS; i++) {
                expected.add("i-%02d".formatted(i));
            }
            assertThat(deliveredIds()).isEqualTo(expected);
            assertThat(destination.requests("PUT", "/items/i-30").getFirst().bodyText()).isEqualTo("{\"item_id\":\"i-30\",\"at\":\""
                    + FIRST.plus(Duration.ofHours(30)) + "\"}");
            assertThat(state.cursor("items").version()).as("the schedule's cursor is not moved by a backfill").isZero();

            Cli nothing = backfill("--resume");
            assertThat(nothing.exit()).isEqualTo(Ferry.USAGE);
            assertThat(nothing.err().strip()).startsWith("ferry backfill: nothing to resume: ");
        }
    }
}
