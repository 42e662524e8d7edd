package dev.ferry.local.console;

import dev.ferry.shared.metrics.MetricsSink;

import java.time.Clock;

/**
 * What the console shows, gathered while {@code ferry dev} runs: the functions publish their metrics into
 * {@link #metrics(MetricsSink)} and tell each record's outcome to {@link #trail()}. Made once, by {@code LocalFerry},
 * before the functions.
 */
public final class ConsoleRecorder {

    private final LiveCounts counts = new LiveCounts();
    private final RecordTrail trail;

    public ConsoleRecorder(Clock clock) {
        this.trail = new RecordTrail(clock);
    }

    public LiveCounts counts() {
        return counts;
    }

    public RecordTrail trail() {
        return trail;
    }

    /** The sink for the functions: the console's counts, and {@code also} (EMF lines, when they are on). */
    public MetricsSink metrics(MetricsSink also) {
        return groups -> {
            counts.publish(groups);
            also.publish(groups);
        };
    }
}
