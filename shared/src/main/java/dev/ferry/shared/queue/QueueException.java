package dev.ferry.shared.queue;

import java.util.List;

/** SQS refused messages even after a retry; {@link #refusedRecordIds()} names the records that are not on the queue. */
public class QueueException extends RuntimeException {
    private final List<String> refusedRecordIds;

    public QueueException(String message) {
        this(message, List.of());
    }

    public QueueException(String message, List<String> refusedRecordIds) {
        super(message);
        this.refusedRecordIds = List.copyOf(refusedRecordIds);
    }

    /** The records whose messages SQS refused (their record ids; empty when not known). */
    public List<String> refusedRecordIds() {
        return refusedRecordIds;
    }
}
