package dev.ferry.testing;

import dev.ferry.shared.resilience.RateLimiter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared rate budget against DynamoDB Local, on a simulated clock: two instances (two limiters, one
 * table) asking as fast as they may never get more than rate + burst tokens in any one-second window,
 * and lease blocks so that DynamoDB sees far fewer calls than tokens.
 */
@ExtendWith(SharedEmulators.class)
class RateLimiterTest {

    /** A clock the test moves by hand. */
    static final class StepClock extends Clock {
        long millis = 1_800_000_000_000L;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void twoInstancesTogetherStayWithinRatePlusBurstAndLeaseInBlocks(AwsEmulators aws) {
        StepClock clock = new StepClock();
        String api = "test-api-" + System.nanoTime();
        RateLimiter a = new RateLimiter(aws.dynamoDb(), aws.stateTable(), clock);
        RateLimiter b = new RateLimiter(aws.dynamoDb(), aws.stateTable(), clock);
        double rps = 40;
        int burst = 10;
        List<Long> grants = new ArrayList<>();
        long end = clock.millis + 10_000;
        while (clock.millis < end) {
            for (RateLimiter limiter : List.of(a, b)) {
                for (int i = 0; i < 5; i++) {
                    if (limiter.acquire(api, rps, burst).isZero()) {
                        grants.add(clock.millis);
                    }
                }
            }
            clock.millis += 10;
        }

        int busiest = 0;
        for (int i = 0, j = 0; i < grants.size(); i++) {
            while (grants.get(i) - grants.get(j) >= 1000) j++;
            busiest = Math.max(busiest, i - j + 1);
        }
        assertThat(busiest).as("tokens in the busiest 1 s window").isLessThanOrEqualTo((int) rps + burst);
        assertThat(grants.size()).as("the budget is actually used").isGreaterThan((int) (rps * 10 * 0.7));
        long calls = a.dynamoCalls() + b.dynamoCalls();
        assertThat((double) calls / grants.size()).as("DynamoDB calls per token").isLessThan(0.5);
        System.out.printf("rate limiter: %d tokens in 10 s at %.0f/s + %d, busiest window %d, %.2f DynamoDB calls per token%n",
                grants.size(), rps, burst, busiest, (double) calls / grants.size());
    }

    @Test
    void aPauseFromTheApiStopsThisInstanceUntilItEnds(AwsEmulators aws) {
        StepClock clock = new StepClock();
        RateLimiter limiter = new RateLimiter(aws.dynamoDb(), aws.stateTable(), clock);
        String api = "paused-api-" + System.nanoTime();
        limiter.pauseUntil(api, clock.millis + 3_000);

        Duration wait = limiter.acquire(api, 100, 10);

        assertThat(wait).isEqualTo(Duration.ofMillis(3_000));
        clock.millis += 3_000;
        assertThat(limiter.acquire(api, 100, 10)).isZero();
    }
}
