package dev.ferry.shared.api;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * W3C Trace Context's {@code traceparent} header ({@code 00-<trace id>-<parent id>-<flags>}): read from an incoming
 * webhook to keep the sender's trace, and sent on every call to an API with the record's trace id, so the API's own
 * logs and traces join the record's trail.
 */
public final class Traceparent {

    public static final String HEADER = "traceparent";
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern PARENT_ID = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern HEX2 = Pattern.compile("[0-9a-f]{2}");
    private static final String ZERO_TRACE = "0".repeat(32);

    private Traceparent() {
    }

    /**
     * The trace id an incoming {@code traceparent} carries; null when it is absent or not valid (then a new trace
     * starts). Version 00 has exactly four fields; a later version may add fields after them (the spec says so).
     */
    public static String traceId(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.trim().split("-", -1);
        if (parts.length < 4 || !HEX2.matcher(parts[0]).matches() || parts[0].equals("ff")
                || (parts[0].equals("00") && parts.length != 4)) {
            return null;
        }
        if (!TRACE_ID.matcher(parts[1]).matches() || parts[1].equals(ZERO_TRACE)
                || !PARENT_ID.matcher(parts[2]).matches() || parts[2].equals("0".repeat(16)) || !HEX2.matcher(parts[3]).matches()) {
            return null;
        }
        return parts[1];
    }

    /** A new trace id: 32 lowercase hex digits. */
    public static String newTraceId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * The trace id in W3C form: as it is when it already has that form; a UUID without its dashes; anything else (an
     * id from an older envelope, a scheduler's fixed event id) mapped to 32 hex digits by a digest, so it stays the same
     * trace on every call. Null gives a new trace.
     */
    public static String w3c(String traceId) {
        if (traceId == null || traceId.isBlank()) {
            return newTraceId();
        }
        String lower = traceId.trim().toLowerCase(java.util.Locale.ROOT);
        if (TRACE_ID.matcher(lower).matches() && !lower.equals(ZERO_TRACE)) {
            return lower;
        }
        String undashed = lower.replace("-", "");
        if (TRACE_ID.matcher(undashed).matches() && !undashed.equals(ZERO_TRACE)) {
            return undashed;
        }
        return UUID.nameUUIDFromBytes(traceId.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
    }

    /** The header for one call within {@code traceId}'s trace: a new parent (span) id per call, sampled. */
    public static String header(String traceId) {
        long span = ThreadLocalRandom.current().nextLong();
        if (span == 0) {
            span = 1;
        }
        return "00-" + w3c(traceId) + "-" + String.format("%016x", span) + "-01";
    }
}
