package dev.ferry.shared.spec.paging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.time.DatePattern;
import dev.ferry.shared.time.DateValueException;
import dev.ferry.shared.time.EpochUnit;
import dev.ferry.shared.time.Reading;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A timestamp in a source's own format: ISO-8601, Unix seconds or milliseconds, or a
 * {@link java.time.format.DateTimeFormatter} pattern, in the source's time zone. Ferry keeps cursors as UTC
 * instants and converts at the edge, so daylight-saving changes and offsets never shift a window. Values are
 * read strictly (see {@link DatePattern}): a day that does not exist is an error, never the nearest day.
 */
public final class CursorFormat {

    // One vocabulary with the mapping's date conversions (iso, unix-seconds, unix-millis); the cursor's first spellings
    // (iso-8601, epoch-seconds, epoch-millis) stay accepted, so existing specs keep loading.
    public static final String ISO = "iso";
    public static final String UNIX_SECONDS = "unix-seconds";
    public static final String UNIX_MILLIS = "unix-millis";

    private final String kind;
    private final ZoneId zone;
    private final DatePattern pattern;
    private final EpochUnit unit;

    private CursorFormat(String kind, ZoneId zone, DatePattern pattern, EpochUnit unit) {
        this.kind = kind;
        this.zone = zone;
        this.pattern = pattern;
        this.unit = unit;
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
        switch (f) {
            case ISO, "iso-8601":
                return new CursorFormat(ISO, z, DatePattern.ISO, null);
            case UNIX_SECONDS, "epoch-seconds":
                return new CursorFormat(UNIX_SECONDS, z, null, EpochUnit.SECONDS);
            case UNIX_MILLIS, "epoch-millis":
                return new CursorFormat(UNIX_MILLIS, z, null, EpochUnit.MILLIS);
            default:
                // The cursor is written into queries and read from records: the pattern must do both.
                String problem = DatePattern.problem(f, DatePattern.Use.READ);
                if (problem != null) {
                    throw new IllegalArgumentException("format '" + f + "' is neither iso, unix-seconds, unix-millis"
                            + " nor a usable date-time pattern: it " + problem);
                }
                return new CursorFormat("pattern", z, DatePattern.of(f), null);
        }
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * The instant as the source writes it. A query bound in whole seconds or milliseconds is the instant's
     * floor: reading from a little earlier repeats records (deliver skips them), it never misses one.
     */
    public String format(Instant instant) {
        return switch (kind) {
            case UNIX_SECONDS -> Long.toString(instant.getEpochSecond());
            case UNIX_MILLIS -> Long.toString(instant.toEpochMilli());
            case ISO -> zone.equals(ZoneOffset.UTC) ? instant.toString() : pattern.write(instant, zone);
            default -> pattern.write(instant, zone);
        };
    }

    /**
     * A record's timestamp: an ISO value with an offset is taken as is; a zone-less one (or a pattern
     * without zone) is read in the source's zone (gaps and overlaps as {@link dev.ferry.shared.time.Dates#inZone}),
     * a date alone at the day's start there.
     *
     * @throws IllegalArgumentException when the value does not fit the format, naming value, format and why
     */
    public Instant parse(JsonNode value) {
        String text = value.asText();
        try {
            Reading reading = unit != null ? new Reading.Exact(unit.toInstant(amount(value))) : pattern.read(text.strip());
            return reading.instant(zone);
        } catch (DateValueException e) {
            throw new IllegalArgumentException("'" + (text.length() > 100 ? text.substring(0, 100) + "…" : text)
                    + "' is not a timestamp in the cursor's format " + (kind.equals("pattern") ? pattern.text() : kind)
                    + ": " + e.getMessage());
        }
    }

    private static BigDecimal amount(JsonNode value) {
        if (value.isNumber()) {
            return value.decimalValue();
        }
        try {
            return new BigDecimal(value.asText().strip());
        } catch (NumberFormatException e) {
            throw new DateValueException("not a number");
        }
    }
}
