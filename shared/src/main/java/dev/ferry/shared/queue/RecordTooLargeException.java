package dev.ferry.shared.queue;

/** A record whose envelope is over SQS' message limit; refused where it enters, never truncated. */
public class RecordTooLargeException extends RuntimeException {
    private final int bytes;

    public RecordTooLargeException(String integration, String recordId, int bytes, int limit) {
        super("record '" + recordId + "' of integration '" + integration + "' is " + bytes
                + " bytes as a queue message; the limit is " + limit + " bytes");
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
