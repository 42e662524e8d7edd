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
    private static final BigDecimal MIN = BigDecimal.valueOf(MIN_SECOND);
    private static final BigDecimal MAX = BigDecimal.valueOf(MAX_SECOND);
    private static final int MAX_SECOND_DIGITS = 17;
    static final String RANGE = "years -999999999 to 999999999";

    private final String spelling;
    private final int digits;
    private final long perSecond;

    EpochUnit(String spelling, int digits) {
        this.spelling = spelling;
        this.digits = digits;
        this.perSecond = BigInteger.TEN.pow(digits).longValueExact();
    }

    /** How a spec writes this unit ({@code unix-seconds}, ...). */
    public String spelling() {
        return spelling;
    }

    /** @return the unit spelled so in a spec, or null for another format */
    public static EpochUnit of(String spelling) {
        return switch (spelling) {
            case "unix-seconds" -> SECONDS;
            case "unix-millis" -> MILLIS;
            case "unix-micros" -> MICROS;
            default -> null;
        };
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
        if (amount.scale() <= 0 && (long) amount.precision() - amount.scale() <= 18) {
            return toInstant(amount.longValueExact()); // the common case, a whole number: no decimal arithmetic
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
        if (whole.compareTo(MIN) < 0 || whole.compareTo(MAX) > 0) {
            throw new DateValueException("outside the " + RANGE);
        }
        long nanos = seconds.subtract(whole).movePointRight(9).longValueExact();
        return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    }

    /** A whole number of this unit. */
    public Instant toInstant(long amount) {
        long seconds = Math.floorDiv(amount, perSecond);
        if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
            throw new DateValueException("outside the " + RANGE);
        }
        return Instant.ofEpochSecond(seconds, Math.floorMod(amount, perSecond) * (1_000_000_000L / perSecond));
    }

    private DateValueException tooPrecise() {
        return new DateValueException("more decimal places than " + spelling + " can hold (" + decimalPlaces()
                + ", down to nanoseconds); it is never rounded");
    }

    /** @throws DateValueException when the instant has a finer fraction of a second than this unit holds */
    public BigInteger of(Instant instant) {
        int nano = instant.getNano();
        long nanosPerUnit = 1_000_000_000L / perSecond;
        if (nano % nanosPerUnit != 0) {
            throw new DateValueException("a fraction of a second (" + fraction(nano) + ") that " + spelling
                    + " cannot hold; it is never truncated (write iso, a finer unit, or a pattern with the fraction)");
        }
        try {
            return BigInteger.valueOf(Math.addExact(Math.multiplyExact(instant.getEpochSecond(), perSecond), nano / nanosPerUnit));
        } catch (ArithmeticException beyondLong) {
            return BigInteger.valueOf(instant.getEpochSecond()).multiply(BigInteger.valueOf(perSecond))
                    .add(BigInteger.valueOf(nano / nanosPerUnit));
        }
    }

    private static String fraction(int nano) {
        return "." + String.format("%09d", nano).replaceFirst("0+$", "") + " s";
    }
}
