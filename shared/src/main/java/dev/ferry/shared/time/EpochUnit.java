package dev.ferry.shared.time;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Unix time in seconds, milliseconds or microseconds since 1970-01-01T00:00:00Z. Reading keeps every digit an
 * {@link Instant} can hold (nanoseconds) and refuses the rest; writing refuses an instant the unit cannot hold
 * exactly. Nothing is rounded.
 */
public enum EpochUnit {
    SECONDS("unix-seconds", 0),
    MILLIS("unix-millis", 3),
    MICROS("unix-micros", 6);

    // The instants every zone can show as a date and time: java.time's local date-time range, taken in UTC.
    private static final long MIN_SECOND = LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC);
    private static final long MAX_SECOND = LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC);
    private static final int MAX_SECOND_DIGITS = 17;
    static final String RANGE = "years -999999999 to 999999999";

    private final String spelling;
    private final int digits;

    EpochUnit(String spelling, int digits) {
        this.spelling = spelling;
        this.digits = digits;
    }

    /** How a spec writes this unit ({@code unix-seconds}, ...). */
    public String spelling() {
        return spelling;
    }

    /** @return the unit spelled so in a spec, or null for another format */
    public static EpochUnit of(String spelling) {
        for (EpochUnit u : values()) {
            if (u.spelling.equals(spelling)) {
                return u;
            }
        }
        return null;
    }

    /** Decimal places the unit can carry: 9 for seconds, 6 for milliseconds, 3 for microseconds. */
    public int decimalPlaces() {
        return 9 - digits;
    }

    /**
     * @param amount an exact number of this unit, negative before 1970
     * @throws DateValueException when it has more decimal places than nanoseconds allow, or lies outside the range
     */
    public Instant toInstant(BigDecimal amount) {
        if (amount.signum() == 0) {
            return Instant.EPOCH;
        }
        // Bounds from the digits alone first, so that an exponent such as 1e999999999 is never expanded.
        if ((long) amount.precision() - amount.scale() > MAX_SECOND_DIGITS + digits) {
            throw new DateValueException("outside the " + RANGE);
        }
        if (amount.scale() > decimalPlaces()) {
            // Only trailing zeros may go, and a number has fewer of them than digits.
            if ((long) amount.scale() - decimalPlaces() >= amount.precision()) {
                throw tooPrecise();
            }
            try {
                amount = amount.setScale(decimalPlaces(), RoundingMode.UNNECESSARY);
            } catch (ArithmeticException e) {
                throw tooPrecise();
            }
        }
        BigDecimal seconds = amount.movePointLeft(digits);
        BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
        if (whole.compareTo(BigDecimal.valueOf(MIN_SECOND)) < 0 || whole.compareTo(BigDecimal.valueOf(MAX_SECOND)) > 0) {
            throw new DateValueException("outside the " + RANGE);
        }
        long nanos = seconds.subtract(whole).movePointRight(9).longValueExact();
        return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    }

    private DateValueException tooPrecise() {
        return new DateValueException("more decimal places than " + spelling + " can hold (" + decimalPlaces()
                + ", down to nanoseconds); it is never rounded");
    }

    /** @throws DateValueException when the instant has a finer fraction of a second than this unit holds */
    public BigInteger of(Instant instant) {
        int nano = instant.getNano();
        int perUnit = BigInteger.TEN.pow(9 - digits).intValueExact();
        if (nano % perUnit != 0) {
            throw new DateValueException("a fraction of a second (" + fraction(nano) + ") that " + spelling
                    + " cannot hold; it is never truncated (write iso, a finer unit, or a pattern with the fraction)");
        }
        return BigInteger.valueOf(instant.getEpochSecond()).multiply(BigInteger.TEN.pow(digits))
                .add(BigInteger.valueOf(nano / perUnit));
    }

    private static String fraction(int nano) {
        return "." + String.format("%09d", nano).replaceFirst("0+$", "") + " s";
    }
}
