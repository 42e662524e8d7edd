package dev.ferry.testing;

import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.resilience.CallPlan;
import dev.ferry.shared.resilience.RateLimiter;
import dev.ferry.shared.resilience.ResilientCalls;
import dev.ferry.shared.spec.IntegrationSpec.ApiLimits;
import dev.ferry.shared.spec.IntegrationSpec.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link ResilientCalls} against a real API on loopback and the shared budget in DynamoDB Local: what is
 * retried in place, what is handed back to SQS as a deferral (never slept), what opens the circuit.
 */
@ExtendWith(SharedEmulators.class)
class ResilientCallsTest {

    FakeApi api;
    HttpCaller http = new HttpCaller(Duration.ofSeconds(2));

    @BeforeEach
    void start() {
        api = FakeApi.start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    ResilientCalls calls(AwsEmulators aws) {
        return new ResilientCalls(() -> new RateLimiter(aws.dynamoDb(), aws.stateTable(), Clock.systemUTC()),
                Duration.ofSeconds(2), Clock.systemUTC());
    }

    static String unique(String name) {
        return name + "-" + System.nanoTime();
    }

    HttpCaller.Response put(ResilientCalls calls, String apiName, ApiLimits limits) {
        CallPlan plan = CallPlan.of(apiName, limits, 2000);
        HttpCaller.Response response = calls.call(plan, ResilientCalls.Permit.NONE,
                () -> http.send("PUT", api.baseUrl() + "/things/1", Map.of(), "{}".getBytes()));
        calls.observe(plan, response);
        return response;
    }

    @Test
    void aServerErrorIsRetriedInPlaceWithinTheRetryBudget(AwsEmulators aws) {
        api.on("PUT", "/things/*", FakeApi.Responder.sequence(FakeApi.Reply.status(500), FakeApi.Reply.json(200, "{}")));
        ApiLimits limits = new ApiLimits(null, null, null, null, 2, 10, null, null);

        assertThat(put(calls(aws), unique("retry"), limits).status()).isEqualTo(200);
        assertThat(api.requests()).hasSize(2);
    }

    @Test
    void retriesAreBoundedAndTheLastFailureIsKept(AwsEmulators aws) {
        api.on("PUT", "/things/*", FakeApi.Reply.json(503, "{\"error\":\"down\"}"));
        ApiLimits limits = new ApiLimits(null, null, null, null, 2, 10, null, null);

        StepFailure f = catchThrowableOfType(StepFailure.class, () -> put(calls(aws), unique("bounded"), limits));

        assertThat(api.requests()).as("one call and two retries").hasSize(3);
        assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(f.httpStatus()).isEqualTo(503);
        assertThat(f.spendsAttempt()).isTrue();
    }

    @Test
    void aPermanentFailureIsNotRetried(AwsEmulators aws) {
        api.on("PUT", "/things/*", FakeApi.Reply.json(422, "{\"error\":\"bad\"}"));
        ApiLimits limits = new ApiLimits(null, null, null, null, 3, 10, null, null);

        StepFailure f = catchThrowableOfType(StepFailure.class, () -> put(calls(aws), unique("permanent"), limits));

        assertThat(api.requests()).hasSize(1);
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void theApisRetryAfterIsADeferralAndLaterCallsOfThisInstanceWaitWithoutCallingOrSleeping(AwsEmulators aws) {
        // Retry-After: 1 — short enough that pacing in place would have slept it out (the bug this guards).
        api.on("PUT", "/things/*", FakeApi.Reply.json(429, "{}").header("Retry-After", "1"));
        ResilientCalls calls = calls(aws);
        String name = unique("throttled");
        ApiLimits limits = new ApiLimits(null, 50.0, 5, null, 2, 10, null, null);

        StepFailure first = catchThrowableOfType(StepFailure.class, () -> put(calls, name, limits));
        assertThat(first.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(first.retryAfterSeconds()).isEqualTo(1);
        assertThat(first.isWait()).isTrue();
        assertThat(api.requests()).as("a 429 is not retried in place").hasSize(1);

        StepFailure second = catchThrowableOfType(StepFailure.class, () -> put(calls, name, limits));
        assertThat(second.isWait()).isTrue();
        assertThat(second.spendsAttempt()).isFalse();
        assertThat(second.retryAfterSeconds()).isEqualTo(1);
        assertThat(second.getMessage()).contains("asked for a pause");
        assertThat(api.requests()).as("the paused API is left alone").hasSize(1);
    }

    @Test
    void aSpentBudgetDefersTheCallBeforeItIsMade(AwsEmulators aws) {
        api.on("PUT", "/things/*", FakeApi.Reply.json(200, "{}"));
        ResilientCalls calls = calls(aws);
        String name = unique("budget");
        ApiLimits limits = new ApiLimits(null, 0.2, 1, null, null, null, null, null); // one call per 5 s

        assertThat(put(calls, name, limits).status()).isEqualTo(200);
        dev.ferry.shared.metrics.StepMetrics metrics = dev.ferry.shared.metrics.StepMetrics.collecting();
        StepFailure f = catchThrowableOfType(StepFailure.class, () -> dev.ferry.shared.lambda.Invocation.untimed(metrics)
                .run(() -> put(calls, name, limits)));

        assertThat(f.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(f.spendsAttempt()).isFalse();
        assertThat(f.waitReason()).isEqualTo(dev.ferry.shared.envelope.WaitReason.RATE_BUDGET);
        dev.ferry.shared.metrics.InMemoryMetrics sink = new dev.ferry.shared.metrics.InMemoryMetrics();
        sink.publish(metrics.drain());
        assertThat(sink.sum(dev.ferry.shared.metrics.StepMetrics.BUDGET_WAITS, "Api", name)).as("the wait is counted").isEqualTo(1);
        assertThat(f.getMessage()).contains("rate budget of " + name);
        assertThat(f.retryAfterSeconds()).isBetween(2, 7);
        assertThat(api.requests()).hasSize(1);
    }

    @Test
    void aPermitTakenAheadPaysForItsCallOnceAndOnlyForItsOwnApi(AwsEmulators aws) {
        api.on("PUT", "/things/*", FakeApi.Reply.json(200, "{}"));
        ResilientCalls calls = calls(aws);
        String name = unique("permit");
        ApiLimits limits = new ApiLimits(null, 0.2, 1, null, null, null, null, null); // one call per 5 s

        CallPlan plan = CallPlan.of(name, limits, 2000);
        ResilientCalls.Permit permit = calls.reserve(plan); // the bucket's only token, held by the caller
        assertThat(permit.held()).isTrue();
        assertThat(calls.call(plan, permit, () -> http.send("PUT", api.baseUrl() + "/things/1", Map.of(), null)).status())
                .isEqualTo(200);
        assertThat(permit.held()).isFalse();
        // Spent: the same permit does not pay twice, and another API's permit never pays for this one.
        StepFailure again = catchThrowableOfType(StepFailure.class,
                () -> calls.call(plan, permit, () -> http.send("PUT", api.baseUrl() + "/things/2", Map.of(), null)));
        ResilientCalls.Permit other = calls.reserve(CallPlan.of(unique("other"), limits, 2000));
        StepFailure foreign = catchThrowableOfType(StepFailure.class,
                () -> calls.call(plan, other, () -> http.send("PUT", api.baseUrl() + "/things/3", Map.of(), null)));

        assertThat(again.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(foreign.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(other.held()).isTrue();
        assertThat(api.requests()).hasSize(1);
        assertThat(calls.reserve(CallPlan.of(name, null, 2000))).isSameAs(ResilientCalls.Permit.NONE); // no limits: nothing to hold
    }

    @Test
    void aDroppedConnectionIsRetryableAndCountsAgainstTheCircuitWhichThenDefers(AwsEmulators aws) {
        api.on("PUT", "/things/*", FakeApi.Reply.dropConnection());
        ResilientCalls calls = calls(aws);
        String name = unique("circuit");
        ApiLimits limits = new ApiLimits(null, null, null, null, null, null, null, new CircuitBreaker(0.5, 4, 60_000, 1));

        for (int i = 0; i < 4; i++) {
            StepFailure f = catchThrowableOfType(StepFailure.class, () -> put(calls, name, limits));
            assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
            assertThat(f.spendsAttempt()).isTrue();
        }
        StepFailure open = catchThrowableOfType(StepFailure.class, () -> put(calls, name, limits));

        assertThat(open.getMessage()).contains("circuit breaker for " + name + " is open");
        assertThat(open.spendsAttempt()).as("an open circuit spends no attempt").isFalse();
        assertThat(open.waitReason()).isEqualTo(dev.ferry.shared.envelope.WaitReason.CIRCUIT);
        assertThat(open.retryAfterSeconds()).isEqualTo(60);
        assertThat(api.requests()).as("no call while open").hasSize(4);
    }

    @Test
    void clientErrorsDoNotOpenTheCircuit(AwsEmulators aws) {
        api.on("PUT", "/things/*", FakeApi.Reply.json(400, "{}"));
        ResilientCalls calls = calls(aws);
        String name = unique("client-errors");
        ApiLimits limits = new ApiLimits(null, null, null, null, null, null, null, new CircuitBreaker(0.5, 4, 60_000, 1));

        for (int i = 0; i < 8; i++) {
            assertThat(catchThrowableOfType(StepFailure.class, () -> put(calls, name, limits)).kind()).isEqualTo(FailureKind.PERMANENT);
        }
        assertThat(api.requests()).as("every call made: the circuit stayed closed").hasSize(8);
    }
}
