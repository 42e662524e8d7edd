package dev.ferry.shared.resilience;

import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.envelope.WaitReason;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.spec.IntegrationSpec.ApiLimits;
import io.smallrye.faulttolerance.api.Guard;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Calls one API under its spec's limits: the shared rate budget first, then SmallRye Fault Tolerance
 * guards built from the spec at run time — a circuit breaker, a concurrency limit and a timeout per API
 * (shared by all calls of this instance), and quick retries with exponential backoff and jitter bounded
 * by the Lambda's remaining time. Waits longer than a moment are never slept: the record is deferred back
 * to its queue with the wait as its delay (see SqsBatchRunner).
 */
public final class ResilientCalls {

    private static final Logger LOG = Logger.getLogger(ResilientCalls.class);
    /** Pacing below this is done in place; anything longer goes back to SQS. */
    static final long MAX_INLINE_WAIT_MS = 1000; // pacing within a second; SQS delays come in whole seconds
    /** Keep this much of the invocation free for handing records back. */
    static final long DEADLINE_MARGIN_MS = 2_000;
    /** The most time quick retries may take in one invocation, however long it still has. */
    static final long MAX_RETRY_BUDGET_MS = 60_000;

    private final Supplier<RateLimiter> limiter;
    private final Duration defaultTimeout;
    private final Clock clock;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES = new java.util.concurrent.atomic.AtomicInteger();
    private final int instance = INSTANCES.incrementAndGet();
    private RateLimiter rateLimiter;

    public ResilientCalls(Supplier<RateLimiter> limiter, Duration defaultTimeout, Clock clock) {
        this.limiter = limiter;
        this.defaultTimeout = defaultTimeout;
        this.clock = clock;
    }

    /**
     * A rate token taken ahead of its call (see {@link #reserve}): the caller holds it and hands it to {@link #call},
     * whose first request spends it instead of taking another. Dropping it unspent is fine: a token bucket's token
     * cannot be given back, so a permit not used is simply a request not made.
     */
    public static final class Permit {

        /** No token held: the call takes its own. */
        public static final Permit NONE = new Permit(null);

        private final String api;
        private final java.util.concurrent.atomic.AtomicBoolean spent = new java.util.concurrent.atomic.AtomicBoolean();

        private Permit(String api) {
            this.api = api;
        }

        /** Whether this permit pays for a request to {@code api}; true once only. */
        boolean spend(String forApi) {
            return api != null && api.equals(forApi) && spent.compareAndSet(false, true);
        }

        /** Whether a token is held and not yet spent. */
        public boolean held() {
            return api != null && !spent.get();
        }
    }

    /** The timeout of a call whose API names none. */
    public long defaultTimeoutMs() {
        return defaultTimeout.toMillis();
    }

    private synchronized RateLimiter limiter() {
        if (rateLimiter == null) {
            rateLimiter = limiter.get();
        }
        return rateLimiter;
    }

    /** DynamoDB calls spent on rate budgets so far. */
    public long rateLimitDynamoCalls() {
        return rateLimiter == null ? 0 : rateLimiter.dynamoCalls();
    }

    /**
     * Takes the token for the next call now, before any other work for the record (e.g. its idempotency
     * claim), so a record that must wait is deferred before it cost anything.
     */
    public Permit reserve(String api, ApiLimits limits) {
        if (limits != null && budgeted(limits)) {
            takeTokens(api, limits);
            return new Permit(api);
        }
        return Permit.NONE;
    }

    /**
     * The API-wide limits a call runs under: for an API declared in {@code apis/}, the API's own (one budget, one
     * circuit, one timeout for every integration calling it); for an inline one, the section's.
     */
    private static ApiLimits whole(ApiLimits limits) {
        return limits.within() != null ? limits.within() : limits;
    }

    /** The name of the API-wide budget and circuit. */
    private static String sharedName(String api, ApiLimits limits) { // api: the section's own name, for inline APIs
        return limits.within() != null ? limits.within().api() : api;
    }

    private static boolean budgeted(ApiLimits limits) {
        return limits.requestsPerSecond() != null || (limits.within() != null && limits.within().requestsPerSecond() != null);
    }

    /** A token of the API's budget, and of this integration's share of it where the spec narrows the rate. */
    private void takeTokens(String api, ApiLimits limits) {
        ApiLimits whole = limits.within();
        if (whole != null && whole.requestsPerSecond() != null) {
            takeToken(whole.api(), whole);
        }
        if (limits.requestsPerSecond() != null) {
            takeToken(api, limits);
        }
    }

    /**
     * One call under the limits: a token of the shared budget for every request (the permit pays for the first), the
     * API's guards, and quick retries within the invocation's time.
     */
    public HttpCaller.Response call(String api, ApiLimits limits, Permit permit, Callable<HttpCaller.Response> call) {
        if (limits == null) {
            return unchecked(call);
        }
        ApiLimits whole = whole(limits);
        String sharedName = sharedName(api, limits);
        Guard shared = guards.computeIfAbsent(sharedName, k -> sharedGuard(k, whole));
        // Every request, quick retries included, spends a token of the shared budget.
        Callable<HttpCaller.Response> guarded = () -> {
            if (!permit.spend(api) && budgeted(limits)) {
                takeTokens(api, limits);
            }
            return shared.call(call, HttpCaller.Response.class);
        };
        int retries = limits.retries() == null ? 0 : limits.retries();
        // Quick retries never spend more than a minute, even where there is no deadline (a backfill, a tool).
        long budget = Math.min(Invocation.current().remainingMillis(), MAX_RETRY_BUDGET_MS) - DEADLINE_MARGIN_MS;
        try {
            if (retries > 0 && budget > 0) {
                long delay = limits.retryDelayMs() == null ? 200 : limits.retryDelayMs();
                Guard retry = Guard.create().withDescription(api + " retries")
                        .withRetry().maxRetries(retries).delay(delay, ChronoUnit.MILLIS).jitter(delay / 2, ChronoUnit.MILLIS)
                        .maxDuration(budget, ChronoUnit.MILLIS)
                        .whenException(ResilientCalls::worthRetryingNow)
                        .withExponentialBackoff().factor(2).maxDelay(Math.max(delay, budget / 2), ChronoUnit.MILLIS).done()
                        .done().build();
                return retry.call(guarded, HttpCaller.Response.class);
            }
            return guarded.call();
        } catch (CircuitBreakerOpenException e) {
            int wait = seconds(circuitDelayMs(whole));
            throw new StepFailure(FailureKind.RETRYABLE, "circuit breaker for " + sharedName + " is open after repeated failures;"
                    + " retrying in " + wait + "s", null, null).retryAfterSeconds(wait).deferred(WaitReason.CIRCUIT);
        } catch (BulkheadException e) {
            throw new StepFailure(FailureKind.RETRYABLE, sharedName + " already has " + whole.concurrency()
                    + " calls in flight from this instance", null, null).retryAfterSeconds(1).deferred();
        } catch (TimeoutException e) {
            throw StepFailure.retryable("call to " + sharedName + " timed out after " + timeoutMs(whole) + " ms");
        } catch (StepFailure f) {
            if (f.kind() == FailureKind.THROTTLED && f.httpStatus() != null && f.retryAfterSeconds() != null
                    && whole.requestsPerSecond() != null) { // the API's own Retry-After, not our budget's wait
                limiter().pauseUntil(sharedName, clock.millis() + f.retryAfterSeconds() * 1000L);
            }
            throw f;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw StepFailure.retryable("call to " + api + " failed: " + e.getClass().getSimpleName());
        } finally {
            // A timeout interrupts this thread to stop the call; clear it so the hand-back to SQS still works.
            Thread.interrupted();
        }
    }

    /** Reads the API's own budget headers after a success, so this instance slows down in time. */
    public void observe(String api, ApiLimits limits, HttpCaller.Response response) {
        if (limits == null || whole(limits).requestsPerSecond() == null) {
            return;
        }
        String sharedName = sharedName(api, limits);
        OptionalLong pause = RateLimitHeaders.pauseMillis(response.headers(), clock.millis());
        if (pause.isPresent()) {
            limiter().pauseUntil(sharedName, clock.millis() + pause.getAsLong());
            LOG.infof("%s reports its budget spent; pausing calls for %d ms", sharedName, pause.getAsLong());
        }
    }

    private void takeToken(String api, ApiLimits limits) {
        int burst = limits.burst() == null ? 1 : limits.burst();
        long paused = limiter().pausedMillis(api);
        if (paused > 0) { // the API's own wait (Retry-After, RateLimit-Reset) is never slept: back to SQS
            int seconds = seconds(paused);
            throw new StepFailure(FailureKind.THROTTLED, api + " asked for a pause (Retry-After or RateLimit-Reset); retrying in "
                    + seconds + "s", null, null).retryAfterSeconds(seconds).deferred(WaitReason.API_429);
        }
        boolean waited = false;
        while (true) {
            Duration wait = limiter().acquire(api, limits.requestsPerSecond(), burst);
            if (wait.isZero()) {
                return;
            }
            if (!waited) { // once per request, whether paced in place below or deferred
                Invocation.current().metrics().budgetWait(api);
                waited = true;
            }
            if (wait.toMillis() > MAX_INLINE_WAIT_MS || Invocation.current().remainingMillis() - DEADLINE_MARGIN_MS < wait.toMillis()) {
                int seconds = seconds(wait.toMillis());
                throw new StepFailure(FailureKind.THROTTLED, "rate budget of " + api + " (" + limits.requestsPerSecond()
                        + "/s, burst " + burst + ") is spent; retrying in " + seconds + "s", null, null)
                        .retryAfterSeconds(seconds).deferred(WaitReason.RATE_BUDGET);
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw StepFailure.retryable("interrupted while pacing calls to " + api).deferred();
            }
        }
    }

    private Guard sharedGuard(String api, ApiLimits limits) {
        Guard.Builder builder = Guard.create().withDescription(api)
                .withTimeout().duration(timeoutMs(limits), ChronoUnit.MILLIS).done();
        if (limits.concurrency() != null) {
            builder.withBulkhead().limit(limits.concurrency()).queueSize(1).done();
        }
        var cb = limits.circuitBreaker();
        if (cb != null) {
            builder.withCircuitBreaker()
                    // SmallRye names breakers JVM-wide: two runtimes in one JVM (local workers, tests) must not collide
                    .name("ferry-" + api + "#" + instance)
                    .failureRatio(cb.failureRatio() == null ? 0.5 : cb.failureRatio())
                    .requestVolumeThreshold(cb.requestVolume() == null ? 10 : cb.requestVolume())
                    .delay(circuitDelayMs(limits), ChronoUnit.MILLIS)
                    .successThreshold(cb.successThreshold() == null ? 2 : cb.successThreshold())
                    .when(ResilientCalls::countsAgainstCircuit)
                    .onStateChange(state -> LOG.warnf("circuit breaker for %s is now %s", api, state))
                    .done();
        }
        return builder.build();
    }

    /** Only the API's own trouble opens the circuit; a bad record (4xx) or a throttle does not. */
    static boolean countsAgainstCircuit(Throwable e) {
        return e instanceof TimeoutException || (e instanceof StepFailure f && f.kind() == FailureKind.RETRYABLE);
    }

    static boolean worthRetryingNow(Throwable e) {
        return e instanceof TimeoutException || (e instanceof StepFailure f && f.kind() == FailureKind.RETRYABLE && f.spendsAttempt());
    }

    private long timeoutMs(ApiLimits limits) {
        return limits.timeoutMs() != null ? limits.timeoutMs() : defaultTimeout.toMillis();
    }

    private static long circuitDelayMs(ApiLimits limits) {
        return limits.circuitBreaker() == null || limits.circuitBreaker().delayMs() == null ? 30_000 : limits.circuitBreaker().delayMs();
    }

    private static int seconds(long millis) {
        return (int) Math.min(900, Math.max(1, (millis + 999) / 1000));
    }

    private static HttpCaller.Response unchecked(Callable<HttpCaller.Response> call) {
        try {
            return call.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw StepFailure.retryable("call failed: " + e.getClass().getSimpleName());
        }
    }

}
