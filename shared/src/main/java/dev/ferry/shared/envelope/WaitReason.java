package dev.ferry.shared.envelope;

import java.util.Locale;

/** Why a record was handed back to wait rather than failed: the part of a deferral an operator charts and acts on. */
public enum WaitReason {
    /** Ferry's own rate budget for the API (the spec's requestsPerSecond) is spent for now. */
    RATE_BUDGET,
    /** The API itself said wait: a 429 (or 503 with Retry-After), or its rate-limit headers reported its budget spent. */
    API_429,
    /** The API's circuit breaker is open after repeated failures. */
    CIRCUIT,
    /** Anything else: a concurrency limit, another worker holding the record, too little of the invocation left. */
    OTHER;

    /** The spelling in metrics and logs, e.g. {@code rate_budget}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
