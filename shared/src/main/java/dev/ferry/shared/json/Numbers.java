package dev.ferry.shared.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ValueNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Exact numbers in records: reading a number from a node or from text, the limits a conversion works within,
 * a canonical text for digests and keys, and writing a record with every number in the digits it arrived with.
 *
 * <p>Limits: a conversion (a mapping rule's {@code type}, a lookup key, a schema check) takes numbers of at most
 * {@value #MAX_INTEGER_DIGITS} digits before the decimal point and {@value #MAX_FRACTION_DIGITS} after it, as
 * written (trailing zeros count), and text of at most {@value #MAX_TEXT_LENGTH} characters. Beyond them the
 * conversion fails with a reason; the number itself still passes unchanged where no rule converts it. Without
 * such a bound, {@code 1E+999999999} (twelve bytes) would make {@code toPlainString()}, {@code toBigInteger()} or a
 * {@code setScale} allocate gigabytes.
 */
public final class Numbers {

    /** Digits before the point a conversion takes: |value| below 10^100 (2^256 has 78 digits). */
    public static final int MAX_INTEGER_DIGITS = 100;
    /** Digits after the point a conversion takes, trailing zeros included. */
    public static final int MAX_FRACTION_DIGITS = 100;
    /** Text read as a number: at most as long as a JSON number may be (Jackson's default limit). */
    public static final int MAX_TEXT_LENGTH = 1000;

    // JSON's number syntax, plus a leading '+', ".5" and "5." as text from APIs has them; ASCII digits only.
    private static final Pattern SYNTAX = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    private Numbers() {
    }

    /** A number a conversion will not take; the message is the reason, without the value. */
    public static final class LimitException extends ArithmeticException {
        LimitException(String reason) {
            super(reason);
        }
    }

    /** The exact value of a number node; null for anything else, and for a double that is not finite. */
    public static BigDecimal exact(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return null;
        }
        if (node.isBigDecimal()) {
            return node.decimalValue();
        }
        if (node.isBigInteger()) {
            return new BigDecimal(node.bigIntegerValue());
        }
        if (node.isIntegralNumber()) {
            return BigDecimal.valueOf(node.longValue());
        }
        double d = node.doubleValue(); // a double or float node built in code; parsed records never hold one
        return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
    }

    /**
     * Text in number syntax as its exact value (surrounding white space is the caller's to strip).
     *
     * @throws NumberFormatException when the text is not a number
     * @throws LimitException        when it is longer than {@link #MAX_TEXT_LENGTH} or its exponent is beyond any limit
     */
    public static BigDecimal parse(String text) {
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new LimitException("has " + text.length() + " characters; a number read from text has at most " + MAX_TEXT_LENGTH);
        }
        if (!SYNTAX.matcher(text).matches()) {
            throw new NumberFormatException("not a number");
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            // The syntax is right, so only the exponent can be out of BigDecimal's range (beyond ±2^31).
            throw new LimitException("has an exponent beyond any limit");
        }
    }

    /** Digits before the decimal point as written ({@code 1E+3}: 4, {@code 0.5}: 0). */
    public static long integerDigits(BigDecimal value) {
        return Math.max(0L, (long) value.precision() - value.scale());
    }

    /** Digits after the decimal point as written ({@code 12.50}: 2, {@code 1E+3}: 0). */
    public static long fractionDigits(BigDecimal value) {
        return Math.max(0, value.scale());
    }

    public static boolean withinLimits(BigDecimal value) {
        return integerDigits(value) <= MAX_INTEGER_DIGITS && fractionDigits(value) <= MAX_FRACTION_DIGITS;
    }

    /** @return the value, when a conversion may work on it; cheap, it only reads precision and scale */
    public static BigDecimal checkLimits(BigDecimal value) {
        if (integerDigits(value) > MAX_INTEGER_DIGITS) {
            throw new LimitException("has " + integerDigits(value) + " digits before the decimal point; conversions take at most "
                    + MAX_INTEGER_DIGITS);
        }
        if (fractionDigits(value) > MAX_FRACTION_DIGITS) {
            throw new LimitException("has " + fractionDigits(value) + " digits after the decimal point; conversions take at most "
                    + MAX_FRACTION_DIGITS);
        }
        return value;
    }

    /**
     * One text per numeric value: {@code 1}, {@code 1.0}, {@code 1.00} and {@code 1E+0} all give {@code "1"}, {@code 2.50}
     * gives {@code "2.5"}, {@code 1E+3} gives {@code "1000"}; values differing in any digit give different texts. Plain
     * notation without trailing zeros within the limits; beyond them, the shortest exponent form ({@code "1E+999999999"}),
     * which never allocates more than the value already holds.
     */
    public static String canonical(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return withinLimits(stripped) ? stripped.toPlainString() : stripped.toString();
    }

    /** The smallest node for an integer (int, long or big), as the parser would have made it. */
    public static ValueNode integerNode(BigInteger value) {
        if (value.bitLength() < 32 && value.compareTo(INT_MIN) >= 0 && value.compareTo(INT_MAX) <= 0) {
            return JsonNodeFactory.instance.numberNode(value.intValue());
        }
        return value.bitLength() < 64 ? JsonNodeFactory.instance.numberNode(value.longValue())
                : JsonNodeFactory.instance.numberNode(value);
    }

    /**
     * The record as JSON with every number in the digits it arrived with: a decimal without an exponent of its own
     * (scale 0 to {@link #MAX_FRACTION_DIGITS}) in plain notation, so {@code 0.000000000000000001} stays that and does
     * not become {@code 1E-18} as {@link BigDecimal#toString()} would write it; others ({@code 1E+400}) in exponent
     * notation. Used for what goes to a destination.
     */
    public static byte[] writeExact(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = new PlainDecimals(Json.MAPPER.createGenerator(out))) {
            Json.MAPPER.writeTree(generator, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static final class PlainDecimals extends JsonGeneratorDelegate {
        PlainDecimals(JsonGenerator delegate) {
            super(delegate, false);
        }

        @Override
        public void writeNumber(BigDecimal value) throws IOException {
            if (value != null && value.scale() >= 0 && value.scale() <= MAX_FRACTION_DIGITS) {
                delegate.writeNumber(value.toPlainString());
            } else {
                delegate.writeNumber(value);
            }
        }
    }
}
