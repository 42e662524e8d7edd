package dev.ferry.shared.envelope;


/**
 * A classified failure of one record at one step. Retryable and throttled failures go back to the
 * queue with a delay; permanent ones go to the dead-letter queue at once.
 */
public class StepFailure extends RuntimeException {
    private final FailureKind kind;
    private final Integer httpStatus;
    private final String detail;
    private Integer retryAfterSeconds;
    private boolean spendsAttempt = true;
    private WaitReason waitReason;

    public StepFailure(FailureKind kind, String reason, Integer httpStatus, String detail) {
        super(reason);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.detail = detail;
    }

    public static StepFailure permanent(String reason) {
        return new StepFailure(FailureKind.PERMANENT, reason, null, null);
    }

    public static StepFailure retryable(String reason) {
        return new StepFailure(FailureKind.RETRYABLE, reason, null, null);
    }

    public FailureKind kind() {
        return kind;
    }

    public Integer httpStatus() {
        return httpStatus;
    }

    public String detail() {
        return detail;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /**
     * A deferral rather than a failure of the record: the API asked us to wait (429, our own rate
     * budget, an open circuit). The record goes back to its queue without spending an attempt.
     */
    public StepFailure deferred() {
        this.spendsAttempt = false;
        return this;
    }

    /** {@link #deferred()}, saying why (charted per reason). */
    public StepFailure deferred(WaitReason reason) {
        this.waitReason = reason;
        return deferred();
    }

    /** Why this wait: as given to {@link #deferred(WaitReason)}, else an API's own throttling answer, else other. */
    public WaitReason waitReason() {
        if (waitReason != null) {
            return waitReason;
        }
        return kind == FailureKind.THROTTLED && httpStatus != null ? WaitReason.API_429 : WaitReason.OTHER;
    }

    public boolean spendsAttempt() {
        return spendsAttempt;
    }

    /** A wait, not a fault: throttled by the API, or deferred by our own budget, circuit or concurrency limit. */
    public boolean isWait() {
        return kind != FailureKind.PERMANENT && (!spendsAttempt || kind == FailureKind.THROTTLED);
    }

    /** The wait before trying again: the API's Retry-After or our own estimate, 1..900 s (SQS' longest delay). */
    public int waitSeconds() {
        return retryAfterSeconds == null ? 1 : Math.min(900, Math.max(1, retryAfterSeconds));
    }

    /** The same failure (kind, status, detail, wait, deferral) with another reason (a lookup's field, a bulk request's record). */
    public StepFailure withReason(String reason) {
        StepFailure copy = new StepFailure(kind, reason, httpStatus, detail);
        copy.retryAfterSeconds = retryAfterSeconds;
        copy.spendsAttempt = spendsAttempt;
        copy.waitReason = waitReason;
        return copy;
    }

    public StepFailure retryAfterSeconds(int seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }
}
