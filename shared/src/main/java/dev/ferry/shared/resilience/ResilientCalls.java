package dev.ferry.shared.resilience;

import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.envelope.WaitReason;
import dev.ferry.shared.lambda.Invocation;
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

        /** Whether this permit pays for a request of the section {@code forApi}; true once only. */
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
    public Permit reserve(CallPlan plan) {
        if (plan.budgeted()) {
            takeTokens(plan);
            return new Permit(plan.name());
        }
        return Permit.NONE;
    }

    /** A token of the API's budget, and of this integration's share of it where the spec narrows the rate. */
    private void takeTokens(CallPlan plan) {
        if (plan.apiRate() != null) {
            takeToken(plan.apiRate());
        }
        if (plan.ownRate() != null) {
            takeToken(plan.ownRate());
        }
    }

    /**
     * One call under the plan: a token of the shared budget for every request (the permit pays for the first), the
     * API's guards, and quick retries within the invocation's time.
     */
    public HttpCaller.Response call(CallPlan plan, Permit permit, Callable<HttpCaller.Response> call) {
        if (!plan.guarded()) {
            return unchecked(call);
        }
        String sharedName = plan.sharedName();
        Guard shared = guards.computeIfAbsent(sharedName, k -> sharedGuard(plan));
        // Every request, quick retries included, spends a token of the shared budget.
        Callable<HttpCaller.Response> guarded = () -> {
            if (!permit.spend(plan.name()) && plan.budgeted()) {
                takeTokens(plan);
            }
            return shared.call(call, HttpCaller.Response.class);
        };
        // Quick retries never spend more than a minute, even where there is no deadline (a backfill, a tool).
        long budget = Math.min(Invocation.current().remainingMillis(), MAX_RETRY_BUDGET_MS) - DEADLINE_MARGIN_MS;
        try {
            if (plan.retries() > 0 && budget > 0) {
                long delay = plan.retryDelayMs();
                Guard retry = Guard.create().withDescription(plan.name() + " retries")
                        .withRetry().maxRetries(plan.retries()).delay(delay, ChronoUnit.MILLIS).jitter(delay / 2, ChronoUnit.MILLIS)
                        .maxDuration(budget, ChronoUnit.MILLIS)
                        .whenException(ResilientCalls::worthRetryingNow)
                        .withExponentialBackoff().factor(2).maxDelay(Math.max(delay, budget / 2), ChronoUnit.MILLIS).done()
                        .done().build();
                return retry.call(guarded, HttpCaller.Response.class);
            }
            return guarded.call();
        } catch (CircuitBreakerOpenException e) {
            int wait = seconds(plan.circuitDelayMs());
            throw new StepFailure(FailureKind.RETRYABLE, "circuit breaker for " + sharedName + " is open after repeated failures;"
                    + " retrying in " + wait + "s", null, null).retryAfterSeconds(wait).deferred(WaitReason.CIRCUIT);
        } catch (BulkheadException e) {
            throw new StepFailure(FailureKind.RETRYABLE, sharedName + " already has " + plan.concurrency()
                    + " calls in flight from this instance", null, null).retryAfterSeconds(1).deferred();
        } catch (TimeoutException e) {
            throw StepFailure.retryable("call to " + sharedName + " timed out after " + plan.timeoutMs() + " ms");
        } catch (StepFailure f) {
            if (f.kind() == FailureKind.THROTTLED && f.httpStatus() != null && f.retryAfterSeconds() != null
                    && plan.apiRate() != null) { // the API's own Retry-After, not our budget's wait
                limiter().pauseUntil(sharedName, clock.millis() + f.retryAfterSeconds() * 1000L);
            }
            throw f;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw StepFailure.retryable("call to " + plan.name() + " failed: " + e.getClass().getSimpleName());
        } finally {
            // A timeout interrupts this thread to stop the call; clear it so the hand-back to SQS still works.
            Thread.interrupted();
        }
    }

    /** Reads the API's own budget headers after a success, so this instance slows down in time. */
    public void observe(CallPlan plan, HttpCaller.Response response) {
        if (plan.apiRate() == null) {
            return;
        }
        String sharedName = plan.sharedName();
        OptionalLong pause = RateLimitHeaders.pauseMillis(response.headers(), clock.millis());
        if (pause.isPresent()) {
            limiter().pauseUntil(sharedName, clock.millis() + pause.getAsLong());
            LOG.infof("%s reports its budget spent; pausing calls for %d ms", sharedName, pause.getAsLong());
        }
    }

    private void takeToken(CallPlan.Rate rate) {
        String api = rate.budget();
        long paused = limiter().pausedMillis(api);
        if (paused > 0) { // the API's own wait (Retry-After, RateLimit-Reset) is never slept: back to SQS
            int seconds = seconds(paused);
            throw new StepFailure(FailureKind.THROTTLED, api + " asked for a pause (Retry-After or RateLimit-Reset); retrying in "
                    + seconds + "s", null, null).retryAfterSeconds(seconds).deferred(WaitReason.API_429);
        }
        boolean waited = false;
        while (true) {
            Duration wait = limiter().acquire(api, rate.perSecond(), rate.burst());
            if (wait.isZero()) {
                return;
            }
            if (!waited) { // once per request, whether paced in place below or deferred
                Invocation.current().metrics().budgetWait(api);
                waited = true;
            }
            if (wait.toMillis() > MAX_INLINE_WAIT_MS || Invocation.current().remainingMillis() - DEADLINE_MARGIN_MS < wait.toMillis()) {
                int seconds = seconds(wait.toMillis());
                throw new StepFailure(FailureKind.THROTTLED, "rate budget of " + api + " (" + rate.perSecond()
                        + "/s, burst " + rate.burst() + ") is spent; retrying in " + seconds + "s", null, null)
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

    private Guard sharedGuard(CallPlan plan) {
        String api = plan.sharedName();
        Guard.Builder builder = Guard.create().withDescription(api)
                .withTimeout().duration(plan.timeoutMs(), ChronoUnit.MILLIS).done();
        if (plan.concurrency() != null) {
            builder.withBulkhead().limit(plan.concurrency()).queueSize(1).done();
        }
        CallPlan.Circuit cb = plan.circuit();
        if (cb != null) {
            builder.withCircuitBreaker()
                    // SmallRye names breakers JVM-wide: two runtimes in one JVM (local workers, tests) must not collide
                    .name("ferry-" + api + "#" + instance)
                    .failureRatio(cb.failureRatio())
                    .requestVolumeThreshold(cb.requestVolume())
                    .delay(cb.delayMs(), ChronoUnit.MILLIS)
                    .successThreshold(cb.successThreshold())
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
