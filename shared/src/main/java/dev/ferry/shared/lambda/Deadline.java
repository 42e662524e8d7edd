package dev.ferry.shared.lambda;

import com.amazonaws.services.lambda.runtime.Context;

import java.util.concurrent.Callable;

/**
 * The current invocation's deadline, so that code deep in a step (retries, pacing) can stay inside
 * the Lambda's remaining time without every method taking the Context.
 */
public final class Deadline {

    /** When no invocation is running (unit tests, tools). */
    static final long DEFAULT_REMAINING_MS = 60_000;

    private static final ThreadLocal<Long> AT = new ThreadLocal<>();

    private Deadline() {
    }

    /** Lambda's longest timeout: a context claiming more time has no real deadline. */
    static final long MAX_LAMBDA_MS = 900_000;

    public static <T> T within(Context context, Callable<T> work) throws Exception {
        Long previous = AT.get();
        long remaining = context == null ? DEFAULT_REMAINING_MS : context.getRemainingTimeInMillis();
        if (remaining <= 0 || remaining > MAX_LAMBDA_MS) {
            // No invocation starts out of time: this context has no deadline (Quarkus' mock event server sends
            // none, and its context then reports garbage), so the default applies.
            remaining = DEFAULT_REMAINING_MS;
        }
        AT.set(System.currentTimeMillis() + remaining);
        try {
            return work.call();
        } finally {
            if (previous == null) {
                AT.remove();
            } else {
                AT.set(previous);
            }
        }
    }

    public static long remainingMillis() {
        Long at = AT.get();
        return at == null ? DEFAULT_REMAINING_MS : at - System.currentTimeMillis();
    }
}
