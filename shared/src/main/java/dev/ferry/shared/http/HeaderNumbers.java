package dev.ferry.shared.http;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Numbers and dates in the headers APIs send about waiting ({@code Retry-After}, {@code RateLimit-Reset}, ...). Every
 * reader here answers a value or empty, never throws, and never overflows: a number too large for any clock saturates,
 * so a caller's cap applies instead of a wrap-around into a negative or tiny wait.
 */
public final class HeaderNumbers {

    /** Seconds beyond this (about 31 million years) are read as this; millis of it still fit in a long. */
    static final long MAX_SECONDS = 1_000_000_000_000_000L;

    /** Digits, optionally a fraction; no sign, no exponent, ASCII only (Long.parseLong would take Arabic-Indic digits). */
    private static final Pattern DECIMAL = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("EEEE, dd-MMM-").appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("EEE MMM ppd HH:mm:ss yyyy").toFormatter(Locale.US).withZone(ZoneOffset.UTC);

    private HeaderNumbers() {
    }

    /**
     * A non-negative number of seconds ({@code "7"}, {@code "1.5"}, {@code "9223372036854775807"}) as milliseconds,
     * a fraction rounded up to the next millisecond, saturating at {@link #MAX_SECONDS}. Empty for anything else:
     * negatives, signs, exponents ({@code 1e400}), non-ASCII digits, white space inside, garbage.
     */
    public static OptionalLong secondsAsMillis(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        String v = value.strip();
        if (!DECIMAL.matcher(v).matches()) {
            return OptionalLong.empty();
        }
        int dot = v.indexOf('.');
        String whole = dot < 0 ? v : v.substring(0, dot);
        String fraction = dot < 0 ? "" : v.substring(dot + 1);
        String significant = whole.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 15) {
            return OptionalLong.of(MAX_SECONDS * 1000);
        }
        long seconds = Math.min(Long.parseLong(significant), MAX_SECONDS);
        String ms = (fraction + "000").substring(0, 3);
        long millis = seconds * 1000 + Long.parseLong(ms);
        if (fraction.length() > 3 && !fraction.substring(3).matches("0*")) {
            millis++; // round up: waiting a moment longer is harmless, asking again too early is not
        }
        return OptionalLong.of(millis);
    }

    /**
     * An HTTP-date (RFC 9110 section 5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms recipients must
     * still accept), or empty when it is not one.
     */
    public static Optional<Instant> httpDate(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        for (DateTimeFormatter format : new DateTimeFormatter[] {DateTimeFormatter.RFC_1123_DATE_TIME, RFC_850, ASCTIME}) {
            try {
                return Optional.of(ZonedDateTime.parse(v, format).toInstant());
            } catch (DateTimeException notThisForm) {
                // try the next form
            }
        }
        return Optional.empty();
    }

    /**
     * {@code Retry-After} (RFC 9110 section 10.2.3) as whole seconds to wait from {@code now}, in
     * {@code 0..capSeconds}: delay-seconds (a fraction rounds up; a value larger than the cap is the cap), or an
     * HTTP-date (a date in the past is 0, one past the cap is the cap). Empty when absent or unreadable (a negative
     * number, an exponent, garbage), so the caller's own backoff applies.
     */
    public static OptionalLong retryAfterSeconds(String value, Instant now, long capSeconds) {
        if (value == null || value.isBlank()) {
            return OptionalLong.empty();
        }
        OptionalLong millis = secondsAsMillis(value);
        if (millis.isPresent()) {
            return OptionalLong.of(Math.min(capSeconds, (millis.getAsLong() + 999) / 1000));
        }
        return httpDate(value).map(at -> {
            Duration until = Duration.between(now, at);
            if (until.isNegative()) {
                return OptionalLong.of(0);
            }
            long seconds = until.getSeconds() + (until.getNano() > 0 ? 1 : 0);
            return OptionalLong.of(Math.min(capSeconds, seconds));
        }).orElse(OptionalLong.empty());
    }
}
