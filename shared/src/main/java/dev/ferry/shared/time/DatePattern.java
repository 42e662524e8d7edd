package dev.ferry.shared.time;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.IsoEra;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.Locale;

/**
 * A date-time format that reads strictly: ISO-8601, or a {@link DateTimeFormatter} pattern compiled with
 * {@link ResolverStyle#STRICT}. java.time's default (SMART) resolver turns 2024-02-30 into 2024-02-29 and
 * 24:00 into the next day; here a day or time that does not exist is a {@link DateValueException}.
 * Patterns are read and written in {@link Locale#ROOT} (English month and day names, AM/PM).
 */
public final class DatePattern {

    /**
     * ISO-8601 as sources write it: a date ({@code 2024-02-29}), a local date-time ({@code 2024-02-29T10:15},
     * seconds and fraction optional) or one with an offset ({@code …Z}, {@code …+01:00}). Written: the date, or
     * the date-time with its offset.
     */
    public static final DatePattern ISO = new DatePattern("iso", null, false,
            DateTimeFormatter.ISO_OFFSET_DATE_TIME, DateTimeFormatter.ISO_LOCAL_DATE);

    /** What a spec's pattern is for; {@link #problem} checks it can do that. */
    public enum Use { READ, WRITE_INSTANT, WRITE_DATE }

    // Has every field a pattern letter can ask for; 16:05 makes hour-of-AM/PM differ from hour-of-day.
    private static final ZonedDateTime SAMPLE = ZonedDateTime.of(2001, 2, 3, 16, 5, 6, 123_456_789, ZoneId.of("Europe/Berlin"));

    private final String text;
    private final DateTimeFormatter formatter; // null for ISO: see isoShape
    private final boolean eraDefaulted;
    // ISO writes a date, or a date-time with its offset; a pattern writes with its own formatter.
    private final DateTimeFormatter instantWriter;
    private final DateTimeFormatter dateWriter;

    private DatePattern(String text, DateTimeFormatter formatter, boolean eraDefaulted, DateTimeFormatter instantWriter,
                        DateTimeFormatter dateWriter) {
        this.text = text;
        this.formatter = formatter;
        this.eraDefaulted = eraDefaulted;
        this.instantWriter = instantWriter;
        this.dateWriter = dateWriter;
    }

    /**
     * A pattern such as {@code yyyy-MM-dd HH:mm:ss}. STRICT resolves a year-of-era ({@code y}) only with an
     * era ({@code G}); without one the era is taken as AD (CE), so {@code yyyy} reads as users expect.
     *
     * @throws IllegalArgumentException when the pattern is not one (the message says why)
     */
    public static DatePattern of(String pattern) {
        DateTimeFormatterBuilder builder = new DateTimeFormatterBuilder().appendPattern(pattern);
        boolean defaultEra = letterOutsideQuotes(pattern, 'y') && !letterOutsideQuotes(pattern, 'G');
        if (defaultEra) {
            builder.parseDefaulting(ChronoField.ERA, IsoEra.CE.getValue());
        }
        DateTimeFormatter formatter = builder.toFormatter(Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);
        return new DatePattern(pattern, formatter, defaultEra, formatter, formatter);
    }

    private static boolean letterOutsideQuotes(String pattern, char letter) {
        boolean quoted = false;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\'') {
                quoted = !quoted; // '' (a quote) toggles twice
            } else if (!quoted && c == letter) {
                return true;
            }
        }
        return false;
    }

    /** The pattern as the spec wrote it ({@code iso} for ISO-8601). */
    public String text() {
        return text;
    }

    /** @throws DateValueException when the text is not in this format, or names a day or time that does not exist */
    public Reading read(String value) {
        TemporalAccessor parsed;
        try {
            parsed = (formatter != null ? formatter : isoShape(value)).parse(value);
        } catch (DateTimeParseException e) {
            // A cause is a resolution failure ("Invalid date 'FEBRUARY 30'"); without one, the text did not match.
            throw new DateValueException(e.getCause() != null ? e.getCause().getMessage()
                    : "does not fit the format at character " + (e.getErrorIndex() + 1));
        }
        LocalDate date = parsed.query(TemporalQueries.localDate());
        LocalTime time = parsed.query(TemporalQueries.localTime());
        ZoneOffset offset = parsed.query(TemporalQueries.offset());
        ZoneId zone = parsed.query(TemporalQueries.zoneId());
        if (date == null) {
            throw new DateValueException("no complete date (year, month and day)");
        }
        if (time == null) {
            for (ChronoField field : ChronoField.values()) {
                if (field.isTimeBased() && parsed.isSupported(field)) {
                    throw new DateValueException("an incomplete time (an hour of AM/PM 'h' needs the marker 'a')");
                }
            }
            return new Reading.Day(date, offset != null ? offset : zone);
        }
        LocalDateTime local = date.atTime(time);
        if (offset != null) {
            return new Reading.Exact(local.toInstant(offset)); // the offset decides, as in java.time, even beside a zone
        }
        return zone != null ? new Reading.Exact(Dates.inZone(local, zone)) : new Reading.Local(local);
    }

    /**
     * The JDK's strict ISO formatter for the text's shape: a date, a local date-time or one with an offset.
     * Chosen by looking, not by trying (a failed parse costs an exception; optional sections a copy each).
     */
    private static DateTimeFormatter isoShape(String value) {
        int t = Math.max(value.indexOf('T'), value.indexOf('t'));
        if (t < 0) {
            return DateTimeFormatter.ISO_LOCAL_DATE;
        }
        for (int i = t + 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 'Z' || c == 'z' || c == '+' || c == '-') {
                return DateTimeFormatter.ISO_OFFSET_DATE_TIME;
            }
        }
        return DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    }

    /** The instant as a date-time in the zone, in this format. */
    public String write(Instant instant, ZoneId zone) {
        return write(instantWriter, Dates.atZone(instant, zone));
    }

    /** The day in this format; ISO writes {@code 2024-02-29}. */
    public String write(LocalDate date) {
        return write(dateWriter, date);
    }

    private String write(DateTimeFormatter writer, TemporalAccessor value) {
        if (eraDefaulted && value.get(ChronoField.YEAR) < 1) {
            // yyyy writes the year of its era: 1 BC would be written as 0001 and read back as AD 1.
            throw new DateValueException("year " + value.get(ChronoField.YEAR) + ", which a pattern with 'y' and no era 'G'"
                    + " would write as a year AD (use 'u' for years before 1)");
        }
        try {
            return writer.format(value);
        } catch (DateTimeException e) {
            throw new DateValueException("the format cannot show it (" + e.getMessage() + ")");
        }
    }

    /**
     * What makes a spec's pattern unfit for its use, or null: not a pattern; for reading, a value it writes
     * cannot be read back (no complete date, an hour without AM/PM, ...); for dates, it asks for a time or zone.
     */
    public static String problem(String pattern, Use use) {
        DatePattern p;
        try {
            p = of(pattern);
        } catch (IllegalArgumentException e) {
            return "is not a valid date-time pattern (" + e.getMessage() + ")";
        }
        String hint = letterOutsideQuotes(pattern, 'Y') ? " ('Y' is the week-based year; the calendar year is 'y' or 'u')" : "";
        try {
            switch (use) {
                case WRITE_INSTANT -> p.formatter.format(SAMPLE);
                case WRITE_DATE -> p.formatter.format(SAMPLE.toLocalDate());
                case READ -> {
                    String written = p.formatter.format(SAMPLE);
                    try {
                        p.read(written);
                    } catch (DateValueException e) {
                        return "cannot read back what it writes ('" + written + "': " + e.getMessage() + ")" + hint;
                    }
                }
            }
        } catch (DateTimeException e) {
            return use == Use.WRITE_DATE ? "asks for a time or a zone, which a date does not have (" + e.getMessage() + ")"
                    : "cannot be written (" + e.getMessage() + ")";
        }
        return null;
    }

    @Override
    public String toString() {
        return text;
    }
}
