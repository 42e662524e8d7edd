package dev.ferry.shared.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A sink that keeps what it is given, for tests: sums by metric name and dimension values. */
public final class InMemoryMetrics implements MetricsSink {

    private final List<MetricGroup> published = new ArrayList<>();

    @Override
    public synchronized void publish(List<MetricGroup> groups) {
        published.addAll(groups);
    }

    public synchronized List<MetricGroup> published() {
        return List.copyOf(published);
    }

    /**
     * The sum of every value of {@code metric} in groups whose dimensions include all of {@code dimensions} (name,
     * value, name, value, ...).
     */
    public double sum(String metric, String... dimensions) {
        return sum(published(), metric, dimensions);
    }

    /** Values recorded for {@code metric} under {@code dimensions} (see {@link #sum}), in order. */
    public List<Double> values(String metric, String... dimensions) {
        List<Double> values = new ArrayList<>();
        for (MetricGroup group : published()) {
            if (matches(group, dimensions)) {
                group.metrics().stream().filter(m -> m.name().equals(metric)).forEach(m -> values.addAll(m.values()));
            }
        }
        return values;
    }

    /** Every distinct metric seen: its name and dimension values, e.g. {@code Delivered{Integration=a, Step=deliver}}. */
    public Set<String> series() {
        return series(published());
    }

    /** {@link #sum} over any groups (e.g. parsed back from EMF log lines). */
    public static double sum(List<MetricGroup> groups, String metric, String... dimensions) {
        double sum = 0;
        for (MetricGroup group : groups) {
            if (matches(group, dimensions)) {
                sum += group.metrics().stream().filter(m -> m.name().equals(metric)).mapToDouble(MetricGroup.Metric::sum).sum();
            }
        }
        return sum;
    }

    /** {@link #series()} over any groups. */
    public static Set<String> series(List<MetricGroup> groups) {
        Set<String> series = new LinkedHashSet<>();
        for (MetricGroup group : groups) {
            group.metrics().forEach(m -> series.add(m.name() + group.dimensions()));
        }
        return series;
    }

    private static boolean matches(MetricGroup group, String... dimensions) {
        if (dimensions.length % 2 != 0) {
            throw new IllegalArgumentException("dimensions come in pairs: name, value");
        }
        Map<String, String> have = group.dimensions();
        for (int i = 0; i < dimensions.length; i += 2) {
            if (!dimensions[i + 1].equals(have.get(dimensions[i]))) {
                return false;
            }
        }
        return true;
    }
}
