package dev.ferry.shared.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import dev.ferry.shared.metrics.StepMetrics;

import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * One Lambda invocation as the steps see it: the moment it must be done by, and the metrics it records (flushed
 * once when it ends). Made once per invocation by
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
    private static final Invocation UNTIMED = new Invocation(Long.MAX_VALUE, System::currentTimeMillis, StepMetrics.discarding());

    private final long deadlineAtMillis;
    private final LongSupplier clockMillis;
    private final StepMetrics metrics;

    private Invocation(long deadlineAtMillis, LongSupplier clockMillis, StepMetrics metrics) {
        this.deadlineAtMillis = deadlineAtMillis;
        this.clockMillis = clockMillis;
        this.metrics = metrics;
    }

    /** The invocation a Lambda context describes; its metrics are discarded. */
    public static Invocation of(Context context) {
        return of(context, System::currentTimeMillis, StepMetrics.discarding());
    }

    /** The invocation a Lambda context describes, recording into {@code metrics}. */
    public static Invocation of(Context context, StepMetrics metrics) {
        return of(context, System::currentTimeMillis, metrics);
    }

    static Invocation of(Context context, LongSupplier clockMillis) {
        return of(context, clockMillis, StepMetrics.discarding());
    }

    static Invocation of(Context context, LongSupplier clockMillis, StepMetrics metrics) {
        long remaining = context == null ? DEFAULT_REMAINING_MS : context.getRemainingTimeInMillis();
        if (remaining <= 0 || remaining > MAX_LAMBDA_MS) {
            // No invocation starts out of time: such a context has no deadline, so the default applies.
            remaining = DEFAULT_REMAINING_MS;
        }
        return new Invocation(clockMillis.getAsLong() + remaining, clockMillis, metrics);
    }

    /** Work with no deadline: tools, backfills run by an operator, unit tests. Records no metrics. */
    public static Invocation untimed() {
        return UNTIMED;
    }

    /** Work with no deadline recording into {@code metrics} (unit tests of what the steps record). */
    public static Invocation untimed(StepMetrics metrics) {
        return new Invocation(Long.MAX_VALUE, System::currentTimeMillis, metrics);
    }

    /** What this invocation records; {@link StepMetrics#discarding()} outside a function's invocation. */
    public StepMetrics metrics() {
        return metrics;
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
