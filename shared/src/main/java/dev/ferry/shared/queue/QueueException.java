package dev.ferry.shared.queue;

/** SQS refused messages even after a retry. */
public class QueueException extends RuntimeException {
    public QueueException(String message) {
        super(message);
    }
}
