package dev.ferry.shared.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class InvocationTest {

    static Context remaining(int millis) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getRemainingTimeInMillis") ? millis : null);
    }

    @Test
    void theRemainingTimeCountsDownOnTheClockAndIsCurrentOnlyInsideTheInvocation() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000);
        Invocation invocation = Invocation.of(remaining(5_000), now::get);
        assertThat(invocation.remainingMillis()).isEqualTo(5_000);
        now.addAndGet(1_200);
        assertThat(invocation.remainingMillis()).isEqualTo(3_800);

        assertThat(invocation.run(() -> Invocation.current())).isSameAs(invocation);
        assertThat(Invocation.current()).as("outside it").isSameAs(Invocation.untimed());
        assertThat(Invocation.current().timed()).isFalse();
        assertThat(Invocation.current().remainingMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aContextWithoutARealDeadlineGetsTheDefault() {
        for (int garbage : new int[] {0, -1, Integer.MIN_VALUE, 900_001, Integer.MAX_VALUE}) {
            assertThat(Invocation.of(remaining(garbage), () -> 0L).remainingMillis()).as("context reporting %d ms", garbage)
                    .isEqualTo(Invocation.DEFAULT_REMAINING_MS);
        }
        assertThat(Invocation.of(null, () -> 0L).remainingMillis()).isEqualTo(Invocation.DEFAULT_REMAINING_MS);
    }

    @Test
    void nestedInvocationsRestoreTheOuterOne() throws Exception {
        Invocation outer = Invocation.of(remaining(9_000));
        Invocation inner = Invocation.of(remaining(1_000));
        assertThat(outer.run(() -> inner.run(Invocation::current) == inner && Invocation.current() == outer)).isTrue();
    }
}
