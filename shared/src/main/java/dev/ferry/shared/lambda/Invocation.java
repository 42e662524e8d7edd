package dev.ferry.shared.lambda;

import com.amazonaws.services.lambda.runtime.Context;

import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * One Lambda invocation as the steps see it: the moment it must be done by. Made once per invocation by
 * {@link FerryHandler}, the entry point every function shares, so no function can forget it. Steps that decide
 * on time (a poll handing over, a delivery checking its budget) take it as a parameter; code deep below them
 * (quick retries, pacing, lookups) reads {@link #current()}, a scoped value bound for exactly the invocation: it
 * cannot leak into the next one or be left half-unwound, unlike the thread-local it replaces.
 */
public final class Invocation {

    /** Lambda's longest timeout: a context claiming more time (or none) has no real deadline. */
    static final long MAX_LAMBDA_MS = 900_000;
    /** The time a context without a real deadline is given (Quarkus' mock event server sends none). */
    static final long DEFAULT_REMAINING_MS = 60_000;

    private static final ScopedValue<Invocation> CURRENT = ScopedValue.newInstance();
    private static final Invocation UNTIMED = new Invocation(Long.MAX_VALUE, System::currentTimeMillis);

    private final long deadlineAtMillis;
    private final LongSupplier clockMillis;

    private Invocation(long deadlineAtMillis, LongSupplier clockMillis) {
        this.deadlineAtMillis = deadlineAtMillis;
        this.clockMillis = clockMillis;
    }

    /** The invocation a Lambda context describes. */
    public static Invocation of(Context context) {
        return of(context, System::currentTimeMillis);
    }

    static Invocation of(Context context, LongSupplier clockMillis) {
        long remaining = context == null ? DEFAULT_REMAINING_MS : context.getRemainingTimeInMillis();
        if (remaining <= 0 || remaining > MAX_LAMBDA_MS) {
            // No invocation starts out of time: such a context has no deadline, so the default applies.
            remaining = DEFAULT_REMAINING_MS;
        }
        return new Invocation(clockMillis.getAsLong() + remaining, clockMillis);
    }

    /** Work with no deadline: tools, backfills run by an operator, unit tests. */
    public static Invocation untimed() {
        return UNTIMED;
    }

    /** The invocation this thread is working for; {@link #untimed()} outside one. */
    public static Invocation current() {
        return CURRENT.orElse(UNTIMED);
    }

    public boolean timed() {
        return deadlineAtMillis != Long.MAX_VALUE;
    }

    /** Milliseconds left (negative once past the deadline); {@link Long#MAX_VALUE} when untimed. */
    public long remainingMillis() {
        return timed() ? deadlineAtMillis - clockMillis.getAsLong() : Long.MAX_VALUE;
    }

    /** Runs {@code work} as this invocation: {@link #current()} answers this one inside it. */
    public <T> T run(Callable<T> work) throws Exception {
        return ScopedValue.where(CURRENT, this).call(work::call);
    }
}
