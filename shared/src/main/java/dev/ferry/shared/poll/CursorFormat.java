package dev.ferry.shared.poll;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

/**
 * A timestamp in a source's own format: ISO-8601, Unix seconds or milliseconds, or a
 * {@link DateTimeFormatter} pattern, in the source's time zone. Ferry keeps cursors as UTC instants
 * and converts at the edge, so daylight-saving changes and offsets never shift a window.
 */
public final class CursorFormat {

    public static final String ISO = "iso-8601";
    public static final String EPOCH_SECONDS = "epoch-seconds";
    public static final String EPOCH_MILLIS = "epoch-millis";

    private final String kind;
    private final ZoneId zone;
    private final DateTimeFormatter pattern;

    private CursorFormat(String kind, ZoneId zone, DateTimeFormatter pattern) {
        this.kind = kind;
        this.zone = zone;
        this.pattern = pattern;
    }

    /** @throws IllegalArgumentException naming the bad zone or pattern */
    public static CursorFormat of(String format, String zone) {
        ZoneId z;
        try {
            z = zone == null ? ZoneOffset.UTC : ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("zone '" + zone + "' is not a time zone (use e.g. UTC, Europe/Berlin or +02:00)");
        }
        String f = format == null ? ISO : format;
        if (f.equals(ISO) || f.equals(EPOCH_SECONDS) || f.equals(EPOCH_MILLIS)) {
            return new CursorFormat(f, z, null);
        }
        try {
            return new CursorFormat("pattern", z, DateTimeFormatter.ofPattern(f).withZone(z));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("format '" + f + "' is neither iso-8601, epoch-seconds, epoch-millis nor a valid"
                    + " date-time pattern (" + e.getMessage() + ")");
        }
    }

    public ZoneId zone() {
        return zone;
    }

    /** The instant as the source writes it. */
    public String format(Instant instant) {
        return switch (kind) {
            case EPOCH_SECONDS -> Long.toString(instant.getEpochSecond());
            case EPOCH_MILLIS -> Long.toString(instant.toEpochMilli());
            case ISO -> zone.equals(ZoneOffset.UTC) ? instant.toString()
                    : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(zone));
            default -> pattern.format(instant);
        };
    }

    /**
     * A record's timestamp: an ISO value with an offset is taken as is; a zone-less one (or a pattern
     * without zone) is read in the source's zone.
     *
     * @throws IllegalArgumentException when the value does not fit the format
     */
    public Instant parse(JsonNode value) {
        String text = value.asText();
        try {
            return switch (kind) {
                case EPOCH_SECONDS -> instantOfSeconds(new BigDecimal(text));
                case EPOCH_MILLIS -> Instant.ofEpochMilli(new BigDecimal(text).longValueExact());
                case ISO -> parseIso(text);
                default -> parsePattern(text);
            };
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a " + (kind.equals("pattern") ? "timestamp of the cursor's pattern" : kind)
                    + " timestamp");
        }
    }

    private static Instant instantOfSeconds(BigDecimal seconds) {
        long whole = seconds.longValue();
        long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole, nanos);
    }

    private Instant parseIso(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException withoutOffset) {
            return LocalDateTime.parse(text).atZone(zone).toInstant();
        }
    }

    private Instant parsePattern(String text) {
        TemporalAccessor parsed = pattern.parse(text);
        try {
            return ZonedDateTime.from(parsed).toInstant();
        } catch (DateTimeException dateOnly) {
            return LocalDate.from(parsed).atStartOfDay(zone).toInstant();
        }
    }
}
