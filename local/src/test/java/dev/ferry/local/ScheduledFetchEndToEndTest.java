package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.fetch.FetchFunction;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.poll.BackfillListener;
import dev.ferry.shared.poll.PollHooks;
import dev.ferry.shared.poll.PollState;
import dev.ferry.shared.poll.ScheduledPoller;
import dev.ferry.shared.steps.FetchStep;
import dev.ferry.testing.Await;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.LocalLambdaContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Scheduled fetch end to end: the real fetch, transform and deliver handlers over ElasticMQ and
 * DynamoDB Local, a paginating source and a destination on loopback. Every test asserts what reached
 * the destination: each record version exactly once.
 */
class ScheduledFetchEndToEndTest {

    /**
     * How late a request the limiter let through in time may reach the fake API on a busy machine: rate windows are
     * counted over 1 s less this (see Arrivals#busiest(Duration, Duration)), not over arrivals' wall-clock second.
     */
    static final Duration ARRIVAL_LATENESS = Duration.ofMillis(250);

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path SPECS = Path.of("src/test/resources/poll-integrations").toAbsolutePath();
    static final String WEBHOOK_KEY = "poll-webhook-key-3c9e";

    static AwsEmulators aws;
    static FakeApi sourceApi;
    static FakeApi billing;

    LocalFerry ferry;
    PagingSource source;
    /** The data set's first record; cursors start an hour before it. */
    Instant first;

    @BeforeAll
    static void start() {
        aws = AwsEmulators.builder().visibilityTimeoutSeconds(5).maxReceiveCount(5).start();
        sourceApi = FakeApi.start();
        billing = FakeApi.start();
    }

    @AfterAll
    static void stop() {
        if (sourceApi != null) sourceApi.close();
        if (billing != null) billing.close();
        if (aws != null) aws.close();
    }

    @BeforeEach
    void resetWorld() {
        aws.reset();
        aws.putSecret("ferry/poll/webhook", "{\"key\":\"" + WEBHOOK_KEY + "\"}");
        sourceApi.reset();
        billing.reset();
        billing.on("PUT", "/items/*", FakeApi.Reply.json(200, "{\"ok\":true}"));
        source = new PagingSource(sourceApi);
        // Whole seconds, so every format (epoch seconds too) carries the exact instant.
        first = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(30));
    }

    @AfterEach
    void closeFerry() {
        if (ferry != null) ferry.close();
        ferry = null;
    }

    Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put("poll.source.url", sourceApi.baseUrl());
        settings.put("poll.billing.url", billing.baseUrl());
        settings.put("poll.initial", first.minus(Duration.ofHours(1)).toString());
        settings.put(FerryConfig.INTEGRATIONS_DIR, SPECS.toString());
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.putAll(extra);
        return settings;
    }

    LocalFerry startFerry(Map<String, String> extra) {
        ferry = new LocalFerry(aws, settings(extra)).startPollers();
        return ferry;
    }

    PollState state() {
        return ferry.runtime().poller().state();
    }

    /** Idempotency keys of every PUT the destination received, in order. */
    static List<String> deliveredKeys() {
        return billing.requests("PUT", "/items/").stream().map(r -> r.header("Idempotency-Key")).toList();
    }

    static void awaitDelivered(int count) {
        assertThat(billing.awaitRequests("PUT", "/items/", count, Duration.ofSeconds(180)))
                .as("%d deliveries (got %d)", count, billing.requests("PUT", "/items/").size()).isTrue();
        awaitQuiet();
    }

    static void awaitQuiet() {
        assertThat(Await.quiet(aws, Duration.ofSeconds(120), FerryConfig.Queue.FETCH, FerryConfig.Queue.TRANSFORM,
                FerryConfig.Queue.DELIVER)).as("pipeline queues drained").isTrue();
        assertThat(aws.depth(FerryConfig.Queue.FETCH_DLQ) + aws.depth(FerryConfig.Queue.TRANSFORM_DLQ)
                + aws.depth(FerryConfig.Queue.DELIVER_DLQ)).as("nothing dead-lettered").isZero();
    }

    static Set<String> keysOf(String integration, List<PagingSource.Item> items, String variant) {
        return items.stream().map(i -> integration + ":" + i.id() + "@" + PagingSource.wire(variant, i.updatedAt()))
                .collect(Collectors.toSet());
    }

    static void assertNoDuplicates(List<String> keys) {
        assertThat(new HashSet<>(keys)).as("no record version delivered twice").hasSize(keys.size());
    }

    static JsonNode invoke(FetchFunction fetch, String eventJson, Duration timeout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fetch.handleRequest(new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), out,
                new LocalLambdaContext("ferry-fetch", timeout));
        return Json.MAPPER.readTree(out.toByteArray());
    }

    static String scheduledEvent(String integration) throws IOException {
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(Files.readString(REPO.resolve("events/fetch-schedule.json")));
        event.put("id", UUID.randomUUID().toString());
        ((ObjectNode) event.get("detail")).put("integration", integration);
        return Json.write(event);
    }

    // -------------------------------------------------------------------------------------------

    @Test
    void twoThousandRecordsChangingDuringTheRunAreEachDeliveredOnceAndTheCursorEndsAtTheNewest() {
        startFerry(Map.of());
        source.fill(2000, first);
        List<PagingSource.Item> before = source.all();
        // While page 6 is being asked for, ten records change: five already read, five not yet reached.
        List<String> changed = List.of("r-0003", "r-0150", "r-0222", "r-0301", "r-0499", "r-0777", "r-1200", "r-1500", "r-1888", "r-1999");
        source.beforePage(page -> {
            if (page == 6) {
                Instant later = source.newest();
                for (int i = 0; i < changed.size(); i++) {
                    source.put(new PagingSource.Item(changed.get(i), later.plusSeconds(i + 1), "changed " + i));
                }
            }
        });

        JsonNode answer = ferry.invokeSchedule("poll-keyset");

        assertThat(answer.get("status").asText()).isEqualTo("completed");
        Set<String> expected = new HashSet<>(keysOf("poll-keyset", before, "keyset"));
        // The five changed before they were reached were never served in their old version.
        expected.removeAll(keysOf("poll-keyset", before.stream().filter(i -> Set.of("r-0777", "r-1200", "r-1500", "r-1888", "r-1999")
                .contains(i.id())).toList(), "keyset"));
        expected.addAll(keysOf("poll-keyset", changed.stream().map(source::get).toList(), "keyset"));
        assertThat(expected).hasSize(2005);
        assertThat(answer.get("queued").asInt()).isEqualTo(2005);
        awaitDelivered(2005);
        assertNoDuplicates(deliveredKeys());
        assertThat(new HashSet<>(deliveredKeys())).isEqualTo(expected);
        assertThat(state().cursor("poll-keyset").value()).isEqualTo(source.newest().toString());
        assertThat(state().cursor("poll-keyset").version()).isEqualTo(1);
        assertThat(state().holder("poll-keyset", ScheduledPoller.SCHEDULE_LEASE)).as("lease released").isEmpty();

        // The next run re-reads the lookback overlap; deliver recognises every record in it.
        int pagesBefore = source.pagesServed();
        JsonNode again = ferry.invokeSchedule("poll-keyset");
        assertThat(again.get("status").asText()).isEqualTo("completed");
        long inOverlap = source.all().stream().filter(i -> !i.updatedAt().isBefore(source.newest().minus(Duration.ofMinutes(10)))).count();
        assertThat(inOverlap).as("the ten changed records and the last old ones").isGreaterThan(10);
        assertThat(again.get("queued").asInt()).as("every record of the 10-minute overlap is read again").isEqualTo((int) inOverlap);
        FakeApi.RecordedRequest overlap = sourceApi.requests("GET", "/keyset/items").get(pagesBefore);
        assertThat(overlap.queryParam("updated_since")).contains(source.newest().minus(Duration.ofMinutes(10)).toString());
        awaitQuiet();
        assertThat(deliveredKeys()).hasSize(2005);
        assertThat(state().cursor("poll-keyset").value()).isEqualTo(source.newest().toString());
    }

    @Test
    void twoSchedulersStartedAtOnceNeverOverlapAndTheSecondExitsCleanly() throws Exception {
        startFerry(Map.of());
        source.fill(300, first);
        CountDownLatch secondAnswered = new CountDownLatch(1);
        source.beforePage(page -> {
            if (page == 1) { // the winner holds its lease inside its first page until the loser has answered
                try {
                    secondAnswered.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<JsonNode>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(pool.submit(() -> {
                    together.await(30, TimeUnit.SECONDS);
                    JsonNode answer = ferry.invokeSchedule("poll-keyset");
                    if (answer.get("status").asText().equals("busy")) {
                        secondAnswered.countDown();
                    }
                    return answer;
                }));
            }
            List<JsonNode> answers = new ArrayList<>();
            for (Future<JsonNode> run : runs) {
                answers.add(run.get(120, TimeUnit.SECONDS));
            }
            assertThat(answers).extracting(a -> a.get("status").asText()).containsExactlyInAnyOrder("completed", "busy");
            JsonNode busy = answers.stream().filter(a -> a.get("status").asText().equals("busy")).findFirst().orElseThrow();
            JsonNode done = answers.stream().filter(a -> a.get("status").asText().equals("completed")).findFirst().orElseThrow();
            assertThat(busy.get("busy").asInt()).isEqualTo(1);
            assertThat(busy.get("queued").asInt()).isZero();
            assertThat(busy.get("leaseHolder").asText()).isEqualTo(done.get("runId").asText());
            assertThat(done.get("queued").asInt()).isEqualTo(300);
        } finally {
            pool.shutdownNow();
        }
        assertThat(source.maxConcurrentRequests()).as("no two runs read the source at once").isEqualTo(1);
        awaitDelivered(300);
        assertNoDuplicates(deliveredKeys());
        assertThat(deliveredKeys()).hasSize(300);
        assertThat(state().cursor("poll-keyset").value()).isEqualTo(source.newest().toString());
    }

    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash between enqueue and cursor commit");
        }
    }

    @Test
    void aCrashBetweenEnqueueAndCursorCommitIsTakenOverOnceTheLeaseLapsesWithoutDoubleDelivery() throws Exception {
        startFerry(Map.of());
        source.fill(300, first);
        FerryRuntime rt = ferry.runtime();
        FetchFunction crashing = new FetchFunction(new FetchStep(rt.integrations(), rt.apiClients(), rt.queueSender(), rt.config(),
                Clock.systemUTC(), rt.poller().withHooks(new PollHooks() {
            @Override
            public void beforeCursorCommit(dev.ferry.shared.poll.Checkpoint checkpoint) {
                throw new SimulatedCrash();
            }
        })));

        assertThatThrownBy(() -> invoke(crashing, scheduledEvent("poll-keyset"), Duration.ofSeconds(60)))
                .isInstanceOf(SimulatedCrash.class);

        awaitDelivered(300);
        assertThat(state().cursor("poll-keyset").version()).as("the cursor was never committed").isZero();
        var holder = state().holder("poll-keyset", ScheduledPoller.SCHEDULE_LEASE);
        assertThat(holder).as("a crashed run leaves its lease").isPresent();

        // While the crashed run's lease is live, a scheduled run exits cleanly.
        JsonNode turnedAway = ferry.invokeSchedule("poll-keyset");
        assertThat(turnedAway.get("status").asText()).isEqualTo("busy");
        assertThat(turnedAway.get("leaseHolder").asText()).isEqualTo(holder.get().holder());

        // Later (a clock past the lease), the next run takes over and re-reads the window from the old cursor.
        Map<String, String> config = new HashMap<>(aws.config());
        config.put(FerryConfig.LOCAL_MODE, "true");
        config.putAll(settings(Map.of()));
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(20));
        FetchFunction takeover = new FetchFunction(new FerryRuntime(FerryConfig.of(config), later).fetchStep());
        JsonNode answer = invoke(takeover, scheduledEvent("poll-keyset"), Duration.ofSeconds(60));

        assertThat(answer.get("status").asText()).isEqualTo("completed");
        assertThat(answer.get("queued").asInt()).as("the whole window is queued again").isEqualTo(300);
        awaitQuiet();
        assertThat(deliveredKeys()).as("the repeats are recognised by their idempotency keys").hasSize(300);
        assertNoDuplicates(deliveredKeys());
        assertThat(state().cursor("poll-keyset").value()).isEqualTo(source.newest().toString());
        assertThat(state().cursor("poll-keyset").version()).isEqualTo(1);
    }

    @Test
    void aLambdaDeadlineForcesContinuationThroughTheFetchQueueWithoutReadingAnyPageTwice() throws Exception {
        // Any invocation with less than an hour left hands over after one page: every page is its own invocation.
        startFerry(Map.of(FerryConfig.POLL_RESERVE_MS, Integer.toString(3_600_000)));
        source.fill(1000, first);

        JsonNode answer = invoke(new FetchFunction(ferry.runtime().fetchStep()), scheduledEvent("poll-keyset"), Duration.ofSeconds(5));

        assertThat(answer.get("status").asText()).isEqualTo("continued");
        assertThat(answer.get("pages").asInt()).isEqualTo(1);
        assertThat(answer.get("queued").asInt()).isEqualTo(100);
        awaitDelivered(1000);
        assertThat(Await.until(Duration.ofSeconds(60), () -> state().cursor("poll-keyset").version() == 1)).isTrue();
        List<FakeApi.RecordedRequest> pages = sourceApi.requests("GET", "/keyset/items");
        assertThat(pages).as("ten pages, one per invocation").hasSize(10);
        assertThat(pages.stream().map(r -> r.queryParam("after").orElse("")).distinct().count()).as("no page read twice").isEqualTo(10);
        assertThat(deliveredKeys()).hasSize(1000);
        assertNoDuplicates(deliveredKeys());
        assertThat(state().cursor("poll-keyset").value()).isEqualTo(source.newest().toString());
        assertThat(state().holder("poll-keyset", ScheduledPoller.SCHEDULE_LEASE)).isEmpty();
    }

    @Test
    void aRateLimitedSourceIsPacedThroughTheQueueAndItsOwn429IsWaitedOutWithoutSleepingOrLosingThePage() {
        // limits.source: 2 requests/s, burst 1. Page 3 is answered 429 with Retry-After: 2 (once).
        startFerry(Map.of());
        source.fill(200, first);
        source.throttleOnce(3, 2);

        JsonNode answer = ferry.invokeSchedule("poll-limited");

        assertThat(answer.get("status").asText()).as("the run hands over instead of sleeping out the budget").isEqualTo("continued");
        awaitDelivered(200);
        assertThat(Await.until(Duration.ofSeconds(60), () -> state().cursor("poll-limited").version() == 1)).isTrue();
        List<FakeApi.RecordedRequest> requests = sourceApi.requests("GET", "/keyset/items");
        assertThat(requests).as("8 pages of 25, and page 3 asked twice (429, then served)").hasSize(9);
        assertThat(requests.get(2).queryParam("after")).as("the throttled page is asked again, not skipped")
                .isEqualTo(requests.get(3).queryParam("after"));
        assertThat(requests.stream().map(r -> r.queryParam("after").orElse("")).distinct().count()).isEqualTo(8);
        List<Long> times = source.arrivals().times();
        int busiest = source.arrivals().busiest(Duration.ofSeconds(1), ARRIVAL_LATENESS);
        assertThat(busiest).as("source requests in the busiest 1 s window, allowing 250 ms of lateness (limit 2/s + burst 1)").isLessThanOrEqualTo(3);
        assertThat(times.get(3) - times.get(2)).as("the 429's Retry-After: 2 was honoured")
                .isGreaterThanOrEqualTo(1_900_000_000L);
        assertThat(deliveredKeys()).hasSize(200);
        assertNoDuplicates(deliveredKeys());
        assertThat(state().cursor("poll-limited").value()).isEqualTo(source.newest().toString());
        assertThat(state().holder("poll-limited", ScheduledPoller.SCHEDULE_LEASE)).as("lease released").isEmpty();
        System.out.printf("source limits: %d requests for 8 pages, busiest 1 s window %d (limit 2/s + burst 1), run took %.1f s%n",
                requests.size(), busiest, source.arrivals().spanSeconds());
    }

    @Test
    void offsetPagingWithUnixSecondsReadsAtMostOneHourPerRunUntilCaughtUpAndABackfillReproducesTheSameSet() {
        startFerry(Map.of());
        source.fill(250, first); // 250 records, 37 s apart: about 2.6 hours
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS); // the source's format has whole seconds
        int runs = 0;
        while (true) {
            JsonNode answer = ferry.invokeSchedule("poll-offset");
            assertThat(answer.get("status").asText()).isEqualTo("completed");
            runs++;
            FakeApi.RecordedRequest last = sourceApi.requests("GET", "/offset/items").getLast();
            if (!Instant.ofEpochSecond(Long.parseLong(last.queryParam("until").orElseThrow())).isBefore(started)) {
                break;
            }
            assertThat(runs).as("catching up takes a bounded number of runs").isLessThan(60);
        }
        for (FakeApi.RecordedRequest r : sourceApi.requests("GET", "/offset/items")) {
            long span = Long.parseLong(r.queryParam("until").orElseThrow()) - Long.parseLong(r.queryParam("since").orElseThrow());
            assertThat(span).as("window of %s", r).isLessThanOrEqualTo(3600);
        }
        awaitDelivered(250);
        Set<String> scheduled = new HashSet<>(deliveredKeys());
        assertThat(scheduled).isEqualTo(keysOf("poll-offset", source.all(), "offset"));
        assertNoDuplicates(deliveredKeys());
        assertThat(Instant.parse(state().cursor("poll-offset").value())).isAfterOrEqualTo(source.newest());

        // A backfill over the same history, into a destination that forgot everything, delivers the same set.
        aws.reset();
        billing.reset();
        billing.on("PUT", "/items/*", FakeApi.Reply.json(200, "{\"ok\":true}"));
        List<BackfillListener.Progress> progress = new ArrayList<>();
        ScheduledPoller.BackfillResult result = ferry.runtime().poller().backfill("poll-offset",
                first.minus(Duration.ofHours(1)), started, progress::add);

        assertThat(result.queued()).isEqualTo(250);
        assertThat(progress).isNotEmpty();
        assertThat(progress.getLast().done()).isTrue();
        assertThat(progress.getLast().windowsDone()).isEqualTo(progress.getLast().windows()).isEqualTo(result.windows());
        assertThat(progress).extracting(BackfillListener.Progress::queued).isSorted();
        assertThat(progress.stream().filter(BackfillListener.Progress::done).count()).isEqualTo(1);
        awaitDelivered(250);
        assertThat(new HashSet<>(deliveredKeys())).isEqualTo(scheduled);
        assertNoDuplicates(deliveredKeys());
        assertThat(state().cursor("poll-offset").version()).as("a backfill leaves the schedule's cursor alone").isZero();
    }

    @Test
    void pageNumbersWithNewYorkLocalTimeSendTheCursorInTheSourcesOwnZone() {
        startFerry(Map.of());
        source.fill(150, first);

        assertThat(ferry.invokeSchedule("poll-page").get("queued").asInt()).isEqualTo(150);
        awaitDelivered(150);
        assertThat(state().cursor("poll-page").value()).isEqualTo(source.newest().toString());
        List<FakeApi.RecordedRequest> firstRun = sourceApi.requests("GET", "/page/items");
        assertThat(firstRun).extracting(r -> r.queryParam("page").orElseThrow()).containsExactly("1", "2", "3", "4");
        // The initial cursor less the 2-minute lookback, as New York wall-clock time (EST/EDT as the date demands).
        assertThat(firstRun.getFirst().queryParam("modified_after"))
                .contains(PagingSource.NY_PATTERN.format(first.minus(Duration.ofHours(1)).minus(Duration.ofMinutes(2))));

        source.put(new PagingSource.Item("r-new", source.newest().plusSeconds(30), "new"));
        assertThat(ferry.invokeSchedule("poll-page").get("queued").asInt())
                .as("the lookback re-reads the last two minutes: four old records and the new one").isEqualTo(5);
        FakeApi.RecordedRequest second = sourceApi.requests("GET", "/page/items").get(4);
        // 2 minutes before the newest record, as New York wall-clock time (EST/EDT as the date demands).
        assertThat(second.queryParam("modified_after")).contains(PagingSource.NY_PATTERN.format(
                Instant.parse(state().cursor("poll-page").value()).minusSeconds(30).minus(Duration.ofMinutes(2))));
        awaitDelivered(151);
        assertThat(deliveredKeys()).hasSize(151);
        assertThat(new HashSet<>(deliveredKeys())).isEqualTo(keysOf("poll-page", source.all(), "page"));
    }

    @Test
    void linkHeaderPagingWithUnixMillisFollowsRelNextToTheEnd() {
        startFerry(Map.of());
        source.fill(130, first);

        JsonNode answer = ferry.invokeSchedule("poll-link");

        assertThat(answer.get("queued").asInt()).isEqualTo(130);
        assertThat(sourceApi.requests("GET", "/link/items")).hasSize(4);
        awaitDelivered(130);
        assertThat(new HashSet<>(deliveredKeys())).isEqualTo(keysOf("poll-link", source.all(), "link"));
        assertThat(state().cursor("poll-link").value()).isEqualTo(source.newest().toString());
    }

    @Test
    void reconciliationPollDeliversOnlyWhatTheWebhooksMissed() throws Exception {
        startFerry(Map.of());
        source.fill(5, first);
        for (PagingSource.Item item : source.all().subList(0, 3)) {
            String body = "{\"id\":\"" + item.id() + "\",\"name\":\"" + item.name() + "\",\"updated_at\":\"" + item.updatedAt() + "\"}";
            JsonNode answer = ferry.invokeWebhook(Json.write(signedWebhook("poll-reconcile", body, "d-" + item.id())));
            assertThat(answer.get("statusCode").asInt()).isEqualTo(202);
        }
        awaitDelivered(3);

        JsonNode poll = ferry.invokeSchedule("poll-reconcile");

        assertThat(poll.get("queued").asInt()).as("the poll sees all five").isEqualTo(5);
        awaitDelivered(5);
        assertThat(billing.requests("PUT", "/items/")).hasSize(5);
        assertThat(billing.requests("PUT", "/items/").subList(3, 5)).extracting(FakeApi.RecordedRequest::path)
                .containsExactlyInAnyOrder("/items/r-0003", "/items/r-0004");
        assertNoDuplicates(deliveredKeys());
    }

    static ObjectNode signedWebhook(String integration, String body, String deliveryId) throws IOException {
        return WebhookEvents.signed(integration, body, deliveryId, "poll", WEBHOOK_KEY);
    }
}
