package dev.ferry.shared.metrics;

import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.envelope.WaitReason;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one invocation did, as metrics: the facade every step, API client and handler records into. Counts are summed
 * within the invocation and latencies kept value by value, then {@link #drain() drained} once when it ends (see
 * {@code FerryHandler}), so an invocation writes one EMF line per set of dimension values, not one per record.
 *
 * <p>The dimensions are fixed here and take bounded values only: an integration's name (from the specs), a step, an
 * API's name (from the specs), and small enums (wait reason, failure kind, status class, rejection reason). A name
 * that came from outside (an unknown integration in a webhook's path) is never a dimension value.
 */
public final class StepMetrics {

    // Per integration and step.
    public static final String RECORDS_IN = "RecordsIn";
    public static final String FORWARDED = "Forwarded";
    public static final String DELIVERED = "Delivered";
    public static final String DUPLICATES = "Duplicates";
    public static final String DEFERRED = "Deferred";
    public static final String RETRIED = "Retried";
    public static final String DEAD_LETTERED = "DeadLettered";
    // Per API.
    public static final String API_CALLS = "ApiCalls";
    public static final String API_RESPONSES = "ApiResponses";
    public static final String API_LATENCY = "ApiLatency";
    public static final String BUDGET_WAITS = "BudgetWaits";
    // Per scheduled integration (one value per completed run).
    public static final String POLL_RECORDS = "PollRecords";
    public static final String POLL_PAGES = "PollPages";
    public static final String POLL_LAG = "PollLag";
    // Webhooks, per integration.
    public static final String WEBHOOK_ACCEPTED = "WebhookAccepted";
    public static final String WEBHOOK_REJECTED = "WebhookRejected";
    // Per function.
    public static final String COLD_START = "ColdStart";

    public static final String INTEGRATION = "Integration";
    public static final String STEP = "Step";
    public static final String REASON = "Reason";
    public static final String KIND = "Kind";
    public static final String API = "Api";
    public static final String STATUS_CLASS = "StatusClass";
    public static final String FUNCTION = "Function";

    /** The Integration value of a webhook whose path names no integration Ferry has: one value, whatever was sent. */
    public static final String UNKNOWN_INTEGRATION = "(unknown)";

    /** How an API call ended, as charted: the answer's status class, or no answer. */
    public enum StatusClass {
        S2XX("2xx"), S3XX("3xx"), S4XX("4xx"), S5XX("5xx"), TIMEOUT("timeout"), ERROR("error");

        private final String label;

        StatusClass(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static StatusClass of(int status) {
            return switch (status / 100) {
                case 2 -> S2XX;
                case 3 -> S3XX;
                case 4 -> S4XX;
                case 5 -> S5XX;
                default -> ERROR;
            };
        }
    }

    /** Why a webhook was refused. */
    public enum Rejection {
        SIGNATURE, SIZE, UNKNOWN_INTEGRATION, BAD_REQUEST, UNAVAILABLE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private record Key(Map<String, String> dimensions) {
    }

    private static final class Values {
        final MetricGroup.Unit unit;
        final boolean summed;
        final List<Double> values = new ArrayList<>();

        Values(MetricGroup.Unit unit, boolean summed) {
            this.unit = unit;
            this.summed = summed;
        }

        void add(double value) {
            if (summed && !values.isEmpty()) {
                values.set(0, values.getFirst() + value);
            } else {
                values.add(value);
            }
        }
    }

    private static final StepMetrics DISCARDING = new StepMetrics(false, RecordObserver.NONE, Instant.EPOCH);
    private static final Logger LOG = Logger.getLogger(StepMetrics.class);

    private final boolean collecting;
    private final RecordObserver records;
    private final Instant started;
    private final Map<Key, Map<String, Values>> groups = new LinkedHashMap<>();

    private StepMetrics(boolean collecting, RecordObserver records, Instant started) {
        this.collecting = collecting;
        this.records = records;
        this.started = started;
    }

    /** A fresh collector for one invocation. */
    public static StepMetrics collecting() {
        return new StepMetrics(true, RecordObserver.NONE, Instant.EPOCH);
    }

    /**
     * A fresh collector for one invocation, begun at {@code started}, that also tells {@code records} of each record's
     * outcome as it happens.
     */
    public static StepMetrics collecting(RecordObserver records, Instant started) {
        return new StepMetrics(true, records, started);
    }

    /** Records nothing: work outside an invocation (tools, backfills, unit tests that do not look). */
    public static StepMetrics discarding() {
        return DISCARDING;
    }

    // --------------------------------------------------------------------------- per integration and step

    /** A record (an SQS message) a step took in. */
    public void recordIn(String integration, String step) {
        count(RECORDS_IN, step(integration, step), 1);
    }

    /** Records a step queued for the next one. */
    public void forwarded(String integration, String step, int records) {
        if (records > 0) {
            count(FORWARDED, step(integration, step), records);
        }
    }

    /** A record the destination accepted. */
    public void delivered(String integration, String step) {
        count(DELIVERED, step(integration, step), 1);
    }

    /** A record skipped because it was already done (a redelivered webhook, a record delivered before). */
    public void duplicate(String integration, String step) {
        count(DUPLICATES, step(integration, step), 1);
    }

    /** A record handed back to wait without spending an attempt. */
    public void deferred(String integration, String step, WaitReason reason) {
        Map<String, String> dimensions = step(integration, step);
        dimensions.put(REASON, reason.label());
        count(DEFERRED, dimensions, 1);
    }

    /** A failed attempt re-queued for another. */
    public void retried(String integration, String step) {
        count(RETRIED, step(integration, step), 1);
    }

    /** A record sent to the step's dead-letter queue, by the kind of its last failure. */
    public void deadLettered(String integration, String step, FailureKind kind) {
        Map<String, String> dimensions = step(integration, step);
        dimensions.put(KIND, kind.json());
        count(DEAD_LETTERED, dimensions, 1);
    }

    /**
     * What became of one record at {@code step}, told to this invocation's {@link RecordObserver} at once (the counts
     * above wait for the invocation's end). Called beside the matching count, once the hand-off it reports is done.
     *
     * @param attempt the attempt at this step, 1 for the first
     * @param detail  a failure's reason or the destination's answer, never a payload or a secret; null for none
     */
    public void seen(String step, Envelope envelope, RecordEvent.Outcome outcome, int attempt, String detail) {
        if (!collecting || records == RecordObserver.NONE) {
            return;
        }
        try {
            records.seen(RecordEvent.of(step, envelope, outcome, attempt, detail, started));
        } catch (RuntimeException e) {
            LOG.warnf("a record observer failed (%s); the record goes on", e.getClass().getSimpleName()); // never fails a record
        }
    }

    // --------------------------------------------------------------------------- per API

    /** One request to an API (quick retries each count) and how it ended. */
    public void apiCall(String api, StatusClass status, long millis) {
        count(API_CALLS, dims(API, api), 1);
        count(API_RESPONSES, dims(API, api, STATUS_CLASS, status.label()), 1);
        distribution(API_LATENCY, MetricGroup.Unit.MILLISECONDS, dims(API, api), millis);
    }

    /** A request that had to wait for the API's rate budget (paced in place, or its record deferred). */
    public void budgetWait(String api) {
        count(BUDGET_WAITS, dims(API, api), 1);
    }

    // --------------------------------------------------------------------------- per scheduled integration

    /**
     * A completed scheduled run: records queued and pages read over all its invocations, and how far behind now the
     * source has been read (null when the cursor is not a timestamp).
     */
    public void pollRun(String integration, int records, int pages, Duration lag) {
        Map<String, String> dimensions = dims(INTEGRATION, integration);
        distribution(POLL_RECORDS, MetricGroup.Unit.COUNT, dimensions, records);
        distribution(POLL_PAGES, MetricGroup.Unit.COUNT, dimensions, pages);
        if (lag != null) {
            distribution(POLL_LAG, MetricGroup.Unit.SECONDS, dimensions, Math.max(0, lag.toSeconds()));
        }
    }

    /** A run that handed over to a follow-up invocation: how far behind it is so far (it grows while the run drags). */
    public void pollLag(String integration, Duration lag) {
        distribution(POLL_LAG, MetricGroup.Unit.SECONDS, dims(INTEGRATION, integration), Math.max(0, lag.toSeconds()));
    }

    // --------------------------------------------------------------------------- webhooks, functions

    public void webhookAccepted(String integration) {
        count(WEBHOOK_ACCEPTED, dims(INTEGRATION, integration), 1);
    }

    /** @param integration the spec's name, or {@link #UNKNOWN_INTEGRATION} */
    public void webhookRejected(String integration, Rejection reason) {
        count(WEBHOOK_REJECTED, dims(INTEGRATION, integration, REASON, reason.label()), 1);
    }

    /** The first invocation of a function instance. */
    public void coldStart(String function) {
        count(COLD_START, dims(FUNCTION, function), 1);
    }

    // --------------------------------------------------------------------------- draining

    /** Everything recorded so far, grouped by dimension values, and forgets it. */
    public synchronized List<MetricGroup> drain() {
        List<MetricGroup> out = new ArrayList<>();
        groups.forEach((key, metrics) -> {
            List<MetricGroup.Metric> list = new ArrayList<>();
            metrics.forEach((name, values) -> list.add(new MetricGroup.Metric(name, values.unit, values.values)));
            out.add(new MetricGroup(key.dimensions(), list));
        });
        groups.clear();
        return out;
    }

    private static Map<String, String> step(String integration, String step) {
        return dims(INTEGRATION, integration, STEP, step);
    }

    private static Map<String, String> dims(String... pairs) {
        Map<String, String> dimensions = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            // EMF refuses an empty value; a record of no known integration (an unreadable message) still counts.
            dimensions.put(pairs[i], pairs[i + 1] == null || pairs[i + 1].isBlank() ? UNKNOWN_INTEGRATION : pairs[i + 1]);
        }
        return dimensions;
    }

    private void count(String name, Map<String, String> dimensions, double value) {
        record(name, MetricGroup.Unit.COUNT, true, dimensions, value);
    }

    private void distribution(String name, MetricGroup.Unit unit, Map<String, String> dimensions, double value) {
        record(name, unit, false, dimensions, value);
    }

    private synchronized void record(String name, MetricGroup.Unit unit, boolean summed, Map<String, String> dimensions, double value) {
        if (!collecting) {
            return;
        }
        groups.computeIfAbsent(new Key(dimensions), k -> new LinkedHashMap<>())
                .computeIfAbsent(name, k -> new Values(unit, summed)).add(value);
    }
}
