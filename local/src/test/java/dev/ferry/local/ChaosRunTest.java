package dev.ferry.local;

import dev.ferry.local.chaos.Account;
import dev.ferry.local.chaos.ChaosRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos run at CI size (see {@link ChaosRun}; {@code bench/run chaos} runs the same code at full size): every
 * record applied exactly once despite a failing destination, provider redeliveries and crashes at every step boundary.
 *
 * <p>Seeded: {@code -Dferry.test.seed=N} replays a run's dice, {@code -Dferry.test.chaos-records=N} sets its size.
 */
class ChaosRunTest {

    static final long SEED = Long.getLong("ferry.test.seed", 20261216L);
    static final int RECORDS = Integer.getInteger("ferry.test.chaos-records", 2_000);

    @Test
    void everyRecordIsAppliedExactlyOnceThroughCrashesAtEveryStepBoundary() {
        Account account = ChaosRun.run(ChaosRun.Options.standard(RECORDS, SEED));

        System.out.println(account.text());
        assertThat(account.records()).isEqualTo(RECORDS);
        assertThat(account.problems()).as("seed %d (-Dferry.test.seed=%d):%n%s", SEED, SEED, account.text()).isEmpty();
        assertThat(account.passed()).isTrue();
        assertThat(account.exactlyOnce()).isEqualTo(RECORDS);
        // The run proves something only if the faults happened: every crash point was passed and fired.
        assertThat(account.faults().keySet()).as("fault kinds injected").anyMatch(k -> k.startsWith(
                "crash: webhook: after the claim, before queueing to"));
        assertThat(account.faults().keySet()).as("fault kinds injected").contains(
                "crash: webhook: after queueing, before marking the delivery id done",
                "crash: webhook: answered, the answer lost on the way to the provider",
                "crash: fetch: before queueing the fetched record",
                "crash: transform: before queueing to deliver",
                "crash: deliver: after the claim, before the destination call",
                "crash: deliver: between the destination call and the idempotency write",
                "crash: fetch: after the effect, before the SQS acknowledgement",
                "crash: transform: after the effect, before the SQS acknowledgement",
                "crash: deliver: after the effect, before the SQS acknowledgement",
                "crash: poll: before queueing a page's records",
                "crash: poll: between queueing its pages and committing the cursor",
                "destination: 500", "destination: 429 with Retry-After: 1",
                "destination: applied, answered slower than the timeout",
                "provider: redelivered with the same delivery id",
                "provider: redelivered under a new delivery id, same version");
        assertThat(account.faults().get("destination: 500")).as("about 20%% of destination requests answered 500")
                .isGreaterThan(account.destinationRequests() / 8);
        assertThat(account.absorbedRepeats()).as("repeats of calls that had landed unrecorded").isPositive();
        assertThat(account.poisoned()).as("records refused until fixed").isNotEmpty();
        assertThat(account.recoveredByReplay()).as("dead letters brought home by the Replayer")
                .isGreaterThanOrEqualTo(account.poisoned().size());
    }
}
