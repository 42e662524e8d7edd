package dev.ferry.shared.resilience;

import dev.ferry.shared.spec.IntegrationSpec.ApiLimits;
import dev.ferry.shared.spec.IntegrationSpec.CircuitBreaker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Limits compiled once into a plan: the defaults are applied here, and a declared API's settings win over the section's. */
class CallPlanTest {

    @Test
    void noLimitsIsAnUnguardedCallWithTheDeploymentsTimeout() {
        CallPlan plan = CallPlan.of("x:source", null, 7000);

        assertThat(plan.guarded()).isFalse();
        assertThat(plan.budgeted()).isFalse();
        assertThat(plan.timeoutMs()).isEqualTo(7000);
    }

    @Test
    void anInlineSectionsRateIsTheApisOwnWithDefaultsForWhatItLeavesOut() {
        CallPlan plan = CallPlan.of("x:destination", new ApiLimits(null, 5.0, null, null, 2, null, null,
                new CircuitBreaker(null, 4, null, null)), 7000);

        assertThat(plan.apiRate()).isEqualTo(new CallPlan.Rate("x:destination", 5.0, CallPlan.DEFAULT_BURST));
        assertThat(plan.ownRate()).isNull();
        assertThat(plan.sharedName()).isEqualTo("x:destination");
        assertThat(plan.retries()).isEqualTo(2);
        assertThat(plan.retryDelayMs()).isEqualTo(CallPlan.DEFAULT_RETRY_DELAY_MS);
        assertThat(plan.circuit()).isEqualTo(new CallPlan.Circuit(CallPlan.DEFAULT_FAILURE_RATIO, 4,
                CallPlan.DEFAULT_CIRCUIT_DELAY_MS, CallPlan.DEFAULT_SUCCESS_THRESHOLD));
    }

    @Test
    void aDeclaredApisBudgetCircuitAndTimeoutAreSharedAndTheSectionKeepsOnlyItsNarrowerShare() {
        ApiLimits billing = new ApiLimits("billing", 20.0, 10, 5000, 1, 100, 3, new CircuitBreaker(0.4, 20, 1000, 1));
        ApiLimits share = new ApiLimits("crm-contacts:lookup:users", 5.0, 5, null, 0, 100, null, null, billing);

        CallPlan plan = CallPlan.of("ignored", share, 7000);

        assertThat(plan.name()).isEqualTo("crm-contacts:lookup:users");
        assertThat(plan.sharedName()).isEqualTo("billing");
        assertThat(plan.apiRate()).isEqualTo(new CallPlan.Rate("billing", 20.0, 10));
        assertThat(plan.ownRate()).isEqualTo(new CallPlan.Rate("crm-contacts:lookup:users", 5.0, 5));
        assertThat(plan.timeoutMs()).isEqualTo(5000);
        assertThat(plan.concurrency()).isEqualTo(3);
        assertThat(plan.circuit()).isEqualTo(new CallPlan.Circuit(0.4, 20, 1000, 1));
        assertThat(plan.retries()).isZero();
    }
}
