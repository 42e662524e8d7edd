package dev.ferry.shared.metrics;

import java.util.List;
import java.util.Map;

/**
 * Metrics that share one set of dimension values, as one invocation recorded them: one EMF document.
 *
 * @param dimensions dimension names to values, in a fixed order
 * @param metrics    each metric once, with every value recorded (one sum for a count)
 */
public record MetricGroup(Map<String, String> dimensions, List<Metric> metrics) {

    public MetricGroup {
        dimensions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dimensions));
        metrics = List.copyOf(metrics);
    }

    /** The units Ferry uses (CloudWatch's spelling in {@link #cloudWatch()}). */
    public enum Unit {
        COUNT("Count"), MILLISECONDS("Milliseconds"), SECONDS("Seconds");

        private final String cloudWatch;

        Unit(String cloudWatch) {
            this.cloudWatch = cloudWatch;
        }

        public String cloudWatch() {
            return cloudWatch;
        }
    }

    /** One metric: a count (one value, the invocation's sum) or a distribution (every value, e.g. each call's latency). */
    public record Metric(String name, Unit unit, List<Double> values) {
        public Metric {
            values = List.copyOf(values);
        }

        public double sum() {
            return values.stream().mapToDouble(Double::doubleValue).sum();
        }
    }
}
