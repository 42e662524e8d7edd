package dev.ferry.shared.metrics;

/**
 * Told of every {@link RecordEvent} as it happens, through {@link StepMetrics#seen}: on AWS nobody listens
 * ({@link #NONE}; the logs and the metrics say it), under {@code ferry dev} the local console keeps a record's trail.
 */
@FunctionalInterface
public interface RecordObserver {

    /** Listens to nothing. */
    RecordObserver NONE = event -> {
    };

    /** Must not throw and must return quickly: it runs on the step's thread, while the record is being handled. */
    void seen(RecordEvent event);
}
