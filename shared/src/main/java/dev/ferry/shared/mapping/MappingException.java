package dev.ferry.shared.mapping;

/** A record that cannot be mapped; names the output field, the source path and why. */
public class MappingException extends RuntimeException {
    private final String field;
    private final String sourcePath;
    private final String reason;

    public MappingException(String field, String sourcePath, String reason) {
        super("field '" + field + "' (from " + sourcePath + "): " + reason);
        this.field = field;
        this.sourcePath = sourcePath;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String sourcePath() {
        return sourcePath;
    }

    public String reason() {
        return reason;
    }
}
