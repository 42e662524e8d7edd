package dev.ferry.shared.resilience;

import dev.ferry.shared.spec.IntegrationSpec.ApiLimits;

/**
 * A section's {@code limits} compiled once into what {@link ResilientCalls} runs, every default applied here and
 * nowhere else: the API's shared rate and this integration's narrower share of it, the API's timeout, circuit and
 * concurrency limit, and the section's quick retries. Built by the section's API client when it is made.
 *
 * @param name        the section's own name ({@code crm-contacts:source}, or its limits' {@code api})
 * @param apiRate     the API's whole budget, shared by every integration calling it; null when the API has none
 * @param ownRate     this integration's narrower share, taken together with the API's; null when it narrows nothing
 * @param sharedName  the name of the API-wide budget and circuit (the declared API's, else the section's own)
 * @param timeoutMs   the longest one request may take
 * @param retries     quick retries after a retryable failure
 * @param retryDelayMs the first retry's delay (doubling, with jitter)
 * @param concurrency calls in flight per function instance, or null for no limit
 * @param circuit     the API's circuit breaker, or null for none
 * @param guarded     false where the section declares no limits at all: the call runs as it is
 */
public record CallPlan(String name, Rate apiRate, Rate ownRate, String sharedName, long timeoutMs, int retries, long retryDelayMs,
                       Integer concurrency, Circuit circuit, boolean guarded) {

    static final int DEFAULT_BURST = 1;
    static final long DEFAULT_RETRY_DELAY_MS = 200;
    static final double DEFAULT_FAILURE_RATIO = 0.5;
    static final int DEFAULT_REQUEST_VOLUME = 10;
    static final long DEFAULT_CIRCUIT_DELAY_MS = 30_000;
    static final int DEFAULT_SUCCESS_THRESHOLD = 2;

    /** A token bucket: its name in the state table, its rate and burst. */
    public record Rate(String budget, double perSecond, int burst) {
    }

    public record Circuit(double failureRatio, int requestVolume, long delayMs, int successThreshold) {
    }

    /**
     * @param name             the section's own name, used where its limits name no {@code api}
     * @param limits           the section's limits as compiled by the spec (with {@code within} the declared API's), or null
     * @param defaultTimeoutMs the deployment's HTTP timeout, for APIs that name none
     */
    public static CallPlan of(String name, ApiLimits limits, long defaultTimeoutMs) {
        if (limits == null) {
            return new CallPlan(name, null, null, name, defaultTimeoutMs, 0, DEFAULT_RETRY_DELAY_MS, null, null, false);
        }
        String own = limits.api() != null ? limits.api() : name;
        ApiLimits whole = limits.within() != null ? limits.within() : limits;
        String shared = limits.within() != null ? limits.within().api() : own;
        Rate apiRate = whole.requestsPerSecond() == null ? null : new Rate(shared, whole.requestsPerSecond(), burst(whole));
        Rate ownRate = limits.within() == null || limits.requestsPerSecond() == null ? null
                : new Rate(own, limits.requestsPerSecond(), burst(limits));
        var cb = whole.circuitBreaker();
        Circuit circuit = cb == null ? null : new Circuit(
                cb.failureRatio() == null ? DEFAULT_FAILURE_RATIO : cb.failureRatio(),
                cb.requestVolume() == null ? DEFAULT_REQUEST_VOLUME : cb.requestVolume(),
                cb.delayMs() == null ? DEFAULT_CIRCUIT_DELAY_MS : cb.delayMs(),
                cb.successThreshold() == null ? DEFAULT_SUCCESS_THRESHOLD : cb.successThreshold());
        return new CallPlan(own, apiRate, ownRate, shared, whole.timeoutMs() != null ? whole.timeoutMs() : defaultTimeoutMs,
                limits.retries() == null ? 0 : limits.retries(),
                limits.retryDelayMs() == null ? DEFAULT_RETRY_DELAY_MS : limits.retryDelayMs(),
                whole.concurrency(), circuit, true);
    }

    private static int burst(ApiLimits limits) {
        return limits.burst() == null ? DEFAULT_BURST : limits.burst();
    }

    /** Whether a request needs a token. */
    public boolean budgeted() {
        return apiRate != null || ownRate != null;
    }

    /** How long an open circuit keeps calls away (the circuit's delay, or the default where it has none). */
    long circuitDelayMs() {
        return circuit == null ? DEFAULT_CIRCUIT_DELAY_MS : circuit.delayMs();
    }
}
