package dev.ferry.shared.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineTest {

    static Context remaining(int millis) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getRemainingTimeInMillis") ? millis : null);
    }

    @Test
    void theInvocationsRemainingTimeCountsWithinItAndNotAfter() throws Exception {
        long inside = Deadline.within(remaining(5_000), Deadline::remainingMillis);
        assertThat(inside).as("the context's, not the default").isBetween(1L, 5_000L);
        assertThat(Deadline.remainingMillis()).isEqualTo(Deadline.DEFAULT_REMAINING_MS);
    }

    @Test
    void aContextWithoutARealDeadlineGetsTheDefault() throws Exception {
        for (int garbage : new int[] {0, -1, Integer.MIN_VALUE, 900_001, Integer.MAX_VALUE}) {
            long inside = Deadline.within(remaining(garbage), Deadline::remainingMillis);
            assertThat(inside).as("context reporting %d ms", garbage).isBetween(Deadline.DEFAULT_REMAINING_MS - 10_000, Deadline.DEFAULT_REMAINING_MS);
        }
        assertThat(Deadline.within(null, Deadline::remainingMillis)).isBetween(Deadline.DEFAULT_REMAINING_MS - 10_000, Deadline.DEFAULT_REMAINING_MS);
    }
}
