package dev.ferry.local.console;

import dev.ferry.shared.metrics.MetricGroup;
import dev.ferry.shared.metrics.MetricsSink;
import dev.ferry.shared.metrics.StepMetrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts per integration and step since {@code ferry dev} started, summed from the metrics every invocation publishes
 * (the same numbers the EMF lines carry on AWS): records in, forwarded, delivered, skipped as duplicates, deferred,
 * retried, dead-lettered, and webhooks rejected. Nothing is parsed from log text.
 */
public final class LiveCounts implements MetricsSink {

    /** The steps in pipeline order. */
    static final List<String> STEPS = List.of("webhook", "fetch", "transform", "deliver");

    /**
     * One integration at one step.
     *
     * @param in        records the step took in (webhook: requests answered, accepted or not)
     * @param forwarded records queued for the next step
     * @param rejected  webhooks refused (signature, size, ...)
     */
    public record Row(String integration, String step, long in, long forwarded, long delivered, long duplicates, long deferred,
                      long retried, long deadLettered, long rejected) {
    }

    private record Key(String integration, String step) {
    }

    private final Map<Key, Map<String, Double>> sums = new HashMap<>();

    @Override
    public void publish(List<MetricGroup> groups) {
        for (MetricGroup group : groups) {
            String integration = group.dimensions().get(StepMetrics.INTEGRATION);
            if (integration == null) {
                continue; // per API or per function: not a count of records
            }
            String step = group.dimensions().getOrDefault(StepMetrics.STEP, "webhook"); // webhook counts carry no step
            if (!STEPS.contains(step)) {
                continue;
            }
            synchronized (sums) {
                Map<String, Double> row = sums.computeIfAbsent(new Key(integration, step), k -> new HashMap<>());
                for (MetricGroup.Metric metric : group.metrics()) {
                    if (metric.unit() == MetricGroup.Unit.COUNT && !metric.name().startsWith("Poll")) {
                        row.merge(metric.name(), metric.sum(), Double::sum);
                    }
                }
            }
        }
    }

    /** Every integration and step seen so far, by integration, then in pipeline order. */
    public List<Row> rows() {
        Map<Key, Map<String, Double>> copy = new TreeMap<>(Comparator.comparing(Key::integration)
                .thenComparingInt(k -> STEPS.indexOf(k.step())));
        synchronized (sums) {
            sums.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        }
        List<Row> rows = new ArrayList<>();
        copy.forEach((k, m) -> {
            boolean webhook = k.step().equals("webhook");
            long accepted = count(m, StepMetrics.WEBHOOK_ACCEPTED);
            long rejected = count(m, StepMetrics.WEBHOOK_REJECTED);
            long duplicates = count(m, StepMetrics.DUPLICATES);
            rows.add(new Row(k.integration(), k.step(),
                    webhook ? accepted + rejected + duplicates : count(m, StepMetrics.RECORDS_IN),
                    webhook ? accepted : count(m, StepMetrics.FORWARDED),
                    count(m, StepMetrics.DELIVERED), duplicates, count(m, StepMetrics.DEFERRED), count(m, StepMetrics.RETRIED),
                    count(m, StepMetrics.DEAD_LETTERED), rejected));
        });
        return rows;
    }

    private static long count(Map<String, Double> m, String metric) {
        return Math.round(m.getOrDefault(metric, 0.0));
    }
}
