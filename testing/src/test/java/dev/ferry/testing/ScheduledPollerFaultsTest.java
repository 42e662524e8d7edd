package dev.ferry.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.SqsBatchResponse;
import dev.ferry.shared.poll.BackfillListener;
import dev.ferry.shared.poll.Checkpoint;
import dev.ferry.shared.poll.PollState;
import dev.ferry.shared.poll.ScheduledPoller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The scheduled poller's failure paths against DynamoDB Local (leases, cursor), ElasticMQ (the transform queue, the
 * continuation on the fetch queue) and a paginating source on loopback, on a clock the test moves: a continuation
 * whose lease lapsed, a source whose next page never advances, and {@code maxPages}.
 */
@ExtendWith(SharedEmulators.class)
class ScheduledPollerFaultsTest {

    static final int LEASE_SECONDS = 60;
    static final int MAX_PAGES = 3;
    static final long LOW_ON_TIME = 1_000; // below ferry.poll.reserve-ms: a run hands over after its first page

    static final String SPEC = """
            name: %s
            description: a paginating source under faults
            source:
              recordId: /id
              list:
                url: "${api.url}/items"
                recordsPath: /items
                pagination: { type: next-token, tokenPath: /next, tokenParam: after, maxPages: 3 }
                cursor: { type: id, field: /seq, param: since_id, initial: "0" }
            schedule: rate(5 minutes)
            mapping:
              id: { from: /id, required: true }
            destination: { method: PUT, url: "${api.url}/out/{recordId}" }
            """;

    static final String BACKFILL_SPEC = """
            name: %s
            description: a time-windowed source under faults
            source:
              recordId: /id
              list:
                url: "${api.url}/items"
                recordsPath: /items
                pagination: { type: next-token, tokenPath: /next, tokenParam: after, maxPages: 3 }
                cursor: { type: timestamp, field: /updated, param: since, untilParam: until }
            schedule: rate(5 minutes)
            mapping:
              id: { from: /id, required: true }
            destination: { method: PUT, url: "${api.url}/out/{recordId}" }
            """;

    FakeApi api;
    final List<CoreWorld> worlds = new ArrayList<>();
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        api = FakeApi.start();
    }

    @AfterEach
    void stop() {
        worlds.forEach(CoreWorld::close);
        api.close();
    }

    CoreWorld world(AwsEmulators aws, String spec) {
        CoreWorld world = new CoreWorld(aws, api, dir, "poll", spec, Map.of(FerryConfig.POLL_LEASE_SECONDS,
                Integer.toString(LEASE_SECONDS), FerryConfig.POLL_RESERVE_MS, "30000"));
        worlds.add(world);
        return world;
    }

    /** Serves pages by the {@code after} token: {@code next} maps a page's token (null for the first) to the next one. */
    void serve(Function<String, String> next) {
        api.on("GET", "/items", request -> {
            String after = request.queryParam("after").orElse(null);
            int page = after == null ? 1 : Integer.parseInt(after.substring(1));
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            ArrayNode items = body.putArray("items");
            for (int i = 1; i <= 3; i++) {
                int seq = page * 10 + i;
                items.addObject().put("id", "r-" + seq).put("seq", seq).put("updated", "2026-01-01T00:00:" + (10 + seq % 50) + "Z");
            }
            String token = next.apply(after);
            if (token != null) {
                body.put("next", token);
            }
            return FakeApi.Reply.json(200, Json.write(body));
        });
    }

    /** Two pages: p1 (no token) -> p2 -> end. */
    void twoPages() {
        serve(after -> after == null ? "p2" : null);
    }

    List<String> transformed(CoreWorld world) {
        return world.take(FerryConfig.Queue.TRANSFORM, 0, 0).stream().map(Envelope::recordId).toList();
    }

    /** Starts a run that hands over after its first page; returns the continuation it put on the fetch queue. */
    Message handedOver(CoreWorld world, FerryRuntime runtime) {
        ScheduledPoller.Outcome first = runtime.poller().start(world.integration, "trace-a", () -> LOW_ON_TIME);
        assertThat(first.status()).isEqualTo(ScheduledPoller.Status.CONTINUED);
        assertThat(first.pages()).isEqualTo(1);
        List<Message> continuation = world.receive(FerryConfig.Queue.FETCH, 1, 5);
        assertThat(continuation).hasSize(1);
        return continuation.getFirst();
    }

    static Checkpoint checkpoint(Message continuation) throws Exception {
        return Json.MAPPER.treeToValue(CoreWorld.read(continuation.body()).payload(), Checkpoint.class);
    }

    @Test
    void aContinuationWhoseLeaseLapsedUnclaimedRetakesItAndFinishesTheRun(AwsEmulators aws) throws Exception {
        CoreWorld world = world(aws, SPEC);
        twoPages();
        FerryRuntime runtime = world.runtime();
        Message continuation = handedOver(world, runtime);
        world.clock.advanceSeconds(LEASE_SECONDS + 1); // the continuation came late; nobody ran meanwhile

        ScheduledPoller.Outcome resumed = runtime.poller().resume(checkpoint(continuation), () -> Long.MAX_VALUE);

        assertThat(resumed.status()).isEqualTo(ScheduledPoller.Status.COMPLETED);
        assertThat(api.requests("GET", "/items")).as("page 1 once, then page 2").hasSize(2);
        assertThat(transformed(world)).containsExactlyInAnyOrder("r-11", "r-12", "r-13", "r-21", "r-22", "r-23");
        PollState.Cursor cursor = runtime.poller().state().cursor(world.integration);
        assertThat(cursor.value()).isEqualTo("23");
        assertThat(cursor.version()).isEqualTo(1);
        assertThat(runtime.poller().state().holder(world.integration, ScheduledPoller.SCHEDULE_LEASE)).isEmpty();
    }

    @Test
    void aContinuationWhoseLeaseAnotherRunTookIsDroppedWithoutReadingAPage(AwsEmulators aws) throws Exception {
        CoreWorld world = world(aws, SPEC);
        twoPages();
        Message continuation = handedOver(world, world.runtime());
        world.clock.advanceSeconds(LEASE_SECONDS + 1);
        FerryRuntime other = world.runtime();
        ScheduledPoller.Outcome takeover = other.poller().start(world.integration, "trace-b", () -> LOW_ON_TIME);
        assertThat(takeover.status()).as("run B took the lapsed lease").isEqualTo(ScheduledPoller.Status.CONTINUED);
        Message bContinuation = world.receive(FerryConfig.Queue.FETCH, 1, 5).getFirst();
        int pagesBefore = api.requests().size();

        ScheduledPoller.Outcome a = world.runtime().poller().resume(checkpoint(continuation), () -> Long.MAX_VALUE);

        assertThat(a.status()).isEqualTo(ScheduledPoller.Status.BUSY);
        assertThat(a.holder()).isEqualTo(takeover.runId());
        assertThat(api.requests()).hasSize(pagesBefore);
        ScheduledPoller.Outcome b = other.poller().resume(checkpoint(bContinuation), () -> Long.MAX_VALUE);
        assertThat(b.status()).isEqualTo(ScheduledPoller.Status.COMPLETED);
        assertThat(other.poller().state().cursor(world.integration).version()).isEqualTo(1);
    }

    /**
     * Run A hands over; its continuation comes after its lease lapsed, and meanwhile run B read the whole window and
     * committed. A's window is stale: its continuation must end quietly (nothing to repair, nothing to dead-letter),
     * without reading pages and queueing their records again only to fail at the commit.
     */
    @Test
    void aContinuationOvertakenByACommittedRunEndsWithoutReadingOrDeadLettering(AwsEmulators aws) {
        CoreWorld world = world(aws, SPEC);
        twoPages();
        Message continuation = handedOver(world, world.runtime());
        world.clock.advanceSeconds(LEASE_SECONDS + 1);
        FerryRuntime other = world.runtime();
        assertThat(other.poller().start(world.integration, "trace-b", () -> Long.MAX_VALUE).status())
                .isEqualTo(ScheduledPoller.Status.COMPLETED);
        assertThat(transformed(world)).hasSize(9); // A's page 1, B's pages 1 and 2
        int pagesBefore = api.requests().size();

        SqsBatchResponse response = world.runtime().fetchStep().fetchRequests(CoreWorld.event(List.of(continuation)));

        assertThat(response.batchItemFailures()).isEmpty();
        assertThat(api.requests()).as("no page read for a stale window").hasSize(pagesBefore);
        assertThat(transformed(world)).isEmpty();
        assertThat(world.take(FerryConfig.Queue.FETCH_DLQ, 0, 0)).as("nothing for an operator to do").isEmpty();
        assertThat(world.take(FerryConfig.Queue.FETCH, 0, 0)).isEmpty();
        PollState.Cursor cursor = other.poller().state().cursor(world.integration);
        assertThat(cursor.value()).isEqualTo("23");
        assertThat(cursor.version()).isEqualTo(1);
    }

    @Test
    void aNextPageThatDoesNotAdvanceFailsTheRunPermanentlyWithoutMovingTheCursor(AwsEmulators aws) {
        CoreWorld world = world(aws, SPEC);
        serve(after -> "p2"); // page 2 names itself as the next page
        FerryRuntime runtime = world.runtime();

        StepFailure f = catchThrowableOfType(StepFailure.class,
                () -> runtime.poller().start(world.integration, "trace", () -> Long.MAX_VALUE));

        assertThat(f).isNotNull();
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).contains("pagination does not advance");
        assertThat(api.requests("GET", "/items")).hasSize(2);
        assertThat(runtime.poller().state().cursor(world.integration).version()).isZero();
        assertThat(runtime.poller().state().holder(world.integration, ScheduledPoller.SCHEDULE_LEASE)).as("lease released").isEmpty();
    }

    @Test
    void moreThanMaxPagesFailsTheRunPermanentlyAfterReadingMaxPages(AwsEmulators aws) {
        CoreWorld world = world(aws, SPEC);
        serve(after -> after == null ? "p2" : after.equals("p2") ? "p3" : "p2"); // p2 -> p3 -> p2 -> ...: a cycle
        FerryRuntime runtime = world.runtime();

        StepFailure f = catchThrowableOfType(StepFailure.class,
                () -> runtime.poller().start(world.integration, "trace", () -> Long.MAX_VALUE));

        assertThat(f).isNotNull();
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).contains("more than " + MAX_PAGES + " pages");
        assertThat(api.requests("GET", "/items")).hasSize(MAX_PAGES);
        assertThat(runtime.poller().state().cursor(world.integration).version()).isZero();
        assertThat(runtime.poller().state().holder(world.integration, ScheduledPoller.SCHEDULE_LEASE)).isEmpty();
    }

    @Test
    void aBackfillWhoseNextPageDoesNotAdvanceFailsAtOnceInsteadOfQueueingThePageAgainAndAgain(AwsEmulators aws) {
        CoreWorld world = world(aws, BACKFILL_SPEC);
        serve(after -> "p2");
        FerryRuntime runtime = world.runtime();
        List<BackfillListener.Progress> progress = new ArrayList<>();

        StepFailure f = catchThrowableOfType(StepFailure.class, () -> runtime.poller().backfill(world.integration,
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z"), progress::add));

        assertThat(f).isNotNull();
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).contains("pagination does not advance");
        assertThat(api.requests("GET", "/items")).hasSize(2);
        assertThat(transformed(world)).as("each page's records once").hasSize(6).doesNotHaveDuplicates();
        assertThat(runtime.poller().state().holder(world.integration, ScheduledPoller.BACKFILL_LEASE)).isEmpty();
    }
}
