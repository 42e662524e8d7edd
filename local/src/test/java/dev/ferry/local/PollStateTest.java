package dev.ferry.local;

import dev.ferry.shared.poll.PollState;
import dev.ferry.testing.AwsEmulators;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cursors and leases against DynamoDB Local's conditional writes and transactions. */
class PollStateTest {

    static AwsEmulators aws;
    /**
     * The test clock starts at the real time: lease items carry a TTL a day after they lapse, and DynamoDB Local deletes
     * expired items in the background, so a fixed date more than a day in the past (this was 2026-11-23) let the sweep
     * remove a lease mid-test; the holder's commit then failed its lease check at random.
     */
    static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    @BeforeAll
    static void start() {
        aws = AwsEmulators.start();
    }

    @AfterAll
    static void stop() {
        if (aws != null) aws.close();
    }

    @BeforeEach
    void reset() {
        aws.reset();
    }

    PollState at(Instant now) {
        return new PollState(aws.dynamoDb(), aws.stateTable(), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aLiveLeaseTurnsOthersAwayAndALapsedOneIsTakenOver() {
        PollState now = at(T0);
        assertThat(now.acquire("crm", "schedule", "run-a", Duration.ofMinutes(15))).isInstanceOf(PollState.Lease.Acquired.class);
        assertThat(now.acquire("crm", "schedule", "run-b", Duration.ofMinutes(15)))
                .isEqualTo(new PollState.Lease.Busy("run-a", T0.plus(Duration.ofMinutes(15))));
        assertThat(now.acquire("crm", "schedule", "run-a", Duration.ofMinutes(15))).as("the holder renews").isInstanceOf(PollState.Lease.Acquired.class);
        assertThat(now.acquire("other", "schedule", "run-b", Duration.ofMinutes(15))).as("leases are per integration")
                .isInstanceOf(PollState.Lease.Acquired.class);
        assertThat(now.acquire("crm", "backfill", "run-b", Duration.ofMinutes(15))).as("and per kind")
                .isInstanceOf(PollState.Lease.Acquired.class);

        PollState later = at(T0.plus(Duration.ofMinutes(16)));
        assertThat(later.acquire("crm", "schedule", "run-b", Duration.ofMinutes(15))).as("run-a crashed: taken over")
                .isInstanceOf(PollState.Lease.Acquired.class);
        later.release("crm", "schedule", "run-a");
        assertThat(later.holder("crm", "schedule")).map(PollState.Lease.Busy::holder).contains("run-b");
        later.release("crm", "schedule", "run-b");
        assertThat(later.holder("crm", "schedule")).isEmpty();
    }

    @Test
    void theCursorMovesOnlyFromTheVersionReadAndOnlyForTheLeaseHolder() {
        PollState state = at(T0);
        assertThat(state.cursor("crm")).isEqualTo(new PollState.Cursor(null, 0, null));
        state.acquire("crm", "schedule", "run-a", Duration.ofMinutes(15));

        assertThat(state.commit("crm", "schedule", "run-a", 0, "2026-11-23T11:00:00Z", "run-a")).isEqualTo(1);
        assertThat(state.cursor("crm").value()).isEqualTo("2026-11-23T11:00:00Z");
        assertThatThrownBy(() -> state.commit("crm", "schedule", "run-a", 0, "2026-11-23T11:30:00Z", "run-a"))
                .isInstanceOf(PollState.ConflictException.class).hasMessageContaining("moved since version 0");
        assertThatThrownBy(() -> state.commit("crm", "schedule", "run-b", 1, "2026-11-23T11:30:00Z", "run-b"))
                .isInstanceOf(PollState.ConflictException.class).hasMessageContaining("run-b no longer holds the schedule lease");
        assertThat(state.cursor("crm").value()).as("neither conflicting commit wrote").isEqualTo("2026-11-23T11:00:00Z");
        assertThat(state.commit("crm", "schedule", "run-a", 1, "2026-11-23T11:30:00Z", "run-a")).isEqualTo(2);
        assertThat(state.cursor("crm")).extracting(PollState.Cursor::value, PollState.Cursor::version)
                .containsExactly("2026-11-23T11:30:00Z", 2L);
    }

    /**
     * Repeated: the racing commits' transactions collide in DynamoDB (TransactionConflict), which once cancelled the
     * lease holder's commit too, so that no run advanced the cursor; a collision is now asked again.
     */
    @RepeatedTest(6)
    void ofManyRacingRunsExactlyOneTakesTheLeaseAndAtMostOneAdvancesTheCursor() throws Exception {
        PollState state = at(T0);
        int runners = 8;
        CyclicBarrier together = new CyclicBarrier(runners);
        ExecutorService pool = Executors.newFixedThreadPool(runners);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < runners; i++) {
                String run = "run-" + i;
                Callable<String> attempt = () -> {
                    together.await(30, TimeUnit.SECONDS);
                    if (state.acquire("crm", "schedule", run, Duration.ofMinutes(15)) instanceof PollState.Lease.Busy) {
                        return "busy";
                    }
                    return "leased";
                };
                results.add(pool.submit(attempt));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(outcomes.stream().filter("leased"::equals).count()).isEqualTo(1);

            // Every runner now tries to commit from version 0, as if each had read the window: one wins at most.
            String holder = state.holder("crm", "schedule").orElseThrow().holder();
            CyclicBarrier commitTogether = new CyclicBarrier(runners);
            List<Future<Boolean>> commits = new ArrayList<>();
            List<String> refusals = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < runners; i++) {
                String run = "run-" + i;
                commits.add(pool.submit(() -> {
                    commitTogether.await(30, TimeUnit.SECONDS);
                    try {
                        state.commit("crm", "schedule", run, 0, "2026-11-23T11:0" + run.charAt(4) + ":00Z", run);
                        return true;
                    } catch (PollState.ConflictException e) {
                        refusals.add(e.getMessage());
                        return false;
                    }
                }));
            }
            int won = 0;
            for (Future<Boolean> f : commits) {
                won += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(won).as("holder %s; refusals %s", holder, refusals).isEqualTo(1);
            assertThat(state.cursor("crm").version()).isEqualTo(1);
            assertThat(state.cursor("crm").value()).isEqualTo("2026-11-23T11:0" + holder.charAt(4) + ":00Z");
        } finally {
            pool.shutdownNow();
        }
    }
}
