package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.json.Numbers;
import dev.ferry.shared.spec.IntegrationSpec.FieldRule;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property tests, seeded: random decimals of up to 40 significant digits, written in the ways APIs write them (plain,
 * with trailing zeros, in exponent notation, as JSON numbers or as text), mapped with random scales and rounding modes,
 * must give exactly what {@link BigDecimal} arithmetic on the exact input gives. Reproduce a failure with
 * {@code -Dferry.seed=<seed>} (the seed is in every assertion message); {@code -Dferry.cases=<n>} for more cases.
 */
class FieldMapperNumbersPropertyTest {

    static final long SEED = Long.getLong("ferry.seed", 20261201L);
    static final int CASES = Integer.getInteger("ferry.cases", 4000);
    static final RoundingMode[] MODES = RoundingMode.values();

    final FieldMapper mapper = new FieldMapper();

    /** A random decimal: 1 to 40 significant digits, a sign, a scale from -20 to 60 (within the conversion limits). */
    static BigDecimal randomDecimal(Random random) {
        int digits = 1 + random.nextInt(40);
        StringBuilder unscaled = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            unscaled.append((char) ('0' + random.nextInt(10)));
        }
        BigInteger value = new BigInteger(unscaled.toString());
        if (random.nextBoolean()) {
            value = value.negate();
        }
        return new BigDecimal(value, random.nextInt(81) - 20);
    }

    /** The same value as an API might write it: the text, and whether it goes as a JSON string. */
    record Written(String text, boolean quoted) {
        String json() {
            return quoted ? "\"" + text + "\"" : text;
        }
    }

    static Written write(BigDecimal value, Random random) {
        String text = switch (random.nextInt(4)) {
            case 0 -> value.toPlainString();
            case 1 -> value.toString(); // exponent notation where BigDecimal uses it
            case 2 -> value.unscaledValue() + "e" + (-value.scale()); // 12345e-2
            default -> value.scale() >= 0 ? value.toPlainString() + (value.scale() == 0 ? "." : "") + "0".repeat(random.nextInt(4))
                    : value.toPlainString(); // trailing zeros: another scale, the same number
        };
        if (text.endsWith(".")) {
            text = text + "0";
        }
        return new Written(text, random.nextInt(3) == 0);
    }

    static FieldRule rule(String type, Integer scale, RoundingMode mode) {
        return new FieldRule("/v", null, null, null, null, null, null, null, null, null, null, null, null,
                dev.ferry.shared.spec.Options.ValueType.valueOf(type.toUpperCase(java.util.Locale.ROOT)),
                scale, mode, null, null, null, null, null, null, null);
    }

    JsonNode mapOne(FieldRule rule, Written value) throws Exception {
        ObjectNode out = mapper.map(Map.of("out", rule), Json.MAPPER.readTree("{\"v\":" + value.json() + "}"));
        return out.get("out");
    }

    static String where(long seed, int i, Written w, FieldRule rule) {
        return "seed " + seed + ", case " + i + ": " + w.json() + " as " + rule.type() + " scale " + rule.scale() + " " + rule.rounding();
    }

    @Test
    void aDecimalWithScaleAndRoundingIsBigDecimalArithmeticOnTheExactInput() throws Exception {
        Random random = new Random(SEED);
        for (int i = 0; i < CASES; i++) {
            BigDecimal exact = randomDecimal(random);
            Written written = write(exact, random);
            BigDecimal input = new BigDecimal(written.text());
            int scale = random.nextInt(41);
            RoundingMode mode = random.nextInt(5) == 0 ? null : MODES[random.nextInt(MODES.length)];
            FieldRule rule = rule("decimal", scale, mode);
            BigDecimal expected;
            try {
                expected = input.setScale(scale, mode == null ? RoundingMode.HALF_EVEN : mode);
            } catch (ArithmeticException needsRounding) {
                expected = null; // UNNECESSARY on a value that needs rounding
            }
            try {
                JsonNode out = mapOne(rule, written);
                assertThat(expected).as(where(SEED, i, written, rule) + ": should have failed").isNotNull();
                assertThat(out.decimalValue()).as(where(SEED, i, written, rule)).isEqualTo(expected);
                assertThat(new BigDecimal(new String(Numbers.writeExact(out), StandardCharsets.UTF_8)))
                        .as(where(SEED, i, written, rule) + " on the wire").isEqualTo(expected);
            } catch (MappingException e) {
                if (expected != null) {
                    fail(where(SEED, i, written, rule) + ": " + e.getMessage());
                }
                assertThat(e.getMessage()).as(where(SEED, i, written, rule)).contains("field 'out' (from /v)").contains("UNNECESSARY");
            }
        }
    }

    @Test
    void anIntegerIsTheExactValueOrTheExactValueRoundedByTheDeclaredMode() throws Exception {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < CASES; i++) {
            BigDecimal exact = random.nextInt(4) == 0 ? new BigDecimal(randomDecimal(random).unscaledValue()) : randomDecimal(random);
            Written written = write(exact, random);
            BigDecimal input = new BigDecimal(written.text());
            RoundingMode mode = random.nextInt(3) == 0 ? null : MODES[random.nextInt(MODES.length)];
            FieldRule rule = rule("integer", null, mode);
            BigInteger expected;
            try {
                expected = mode == null ? input.toBigIntegerExact() : input.setScale(0, mode).toBigIntegerExact();
            } catch (ArithmeticException notWhole) {
                expected = null;
            }
            try {
                JsonNode out = mapOne(rule, written);
                assertThat(expected).as(where(SEED + 1, i, written, rule) + ": should have failed").isNotNull();
                assertThat(out.isIntegralNumber()).as(where(SEED + 1, i, written, rule)).isTrue();
                assertThat(out.bigIntegerValue()).as(where(SEED + 1, i, written, rule)).isEqualTo(expected);
                assertThat(Json.write(out)).as(where(SEED + 1, i, written, rule)).isEqualTo(expected.toString());
            } catch (MappingException e) {
                if (expected != null) {
                    fail(where(SEED + 1, i, written, rule) + ": " + e.getMessage());
                }
                assertThat(e.getMessage()).as(where(SEED + 1, i, written, rule)).contains("is not a whole number");
            }
        }
    }

    @Test
    void withoutScaleADecimalKeepsItsDigitsAndAStringWritesThem() throws Exception {
        Random random = new Random(SEED + 2);
        for (int i = 0; i < CASES; i++) {
            BigDecimal exact = randomDecimal(random);
            Written written = write(exact, random);
            BigDecimal input = new BigDecimal(written.text());
            FieldRule decimal = rule("decimal", null, null);
            FieldRule string = rule("string", null, null);
            assertThat(mapOne(decimal, written).decimalValue()).as(where(SEED + 2, i, written, decimal)).isEqualTo(input);
            String text = mapOne(string, written).textValue();
            // a number becomes its digits in plain notation; text stays the text
            assertThat(text).as(where(SEED + 2, i, written, string)).isEqualTo(written.quoted() ? written.text() : input.toPlainString());
            // unchanged through a rule-less copy and the destination's writer: the same value, the same scale
            Map<String, FieldRule> copy = new LinkedHashMap<>();
            copy.put("v", new FieldRule("/v", null, null));
            JsonNode out = mapper.map(copy, Json.MAPPER.readTree("{\"v\":" + written.json() + "}"));
            String wire = new String(Numbers.writeExact(out), StandardCharsets.UTF_8);
            assertThat(Json.write(Json.MAPPER.readTree(wire).get("v"))).as(where(SEED + 2, i, written, decimal) + " on the wire " + wire)
                    .isEqualTo(Json.write(Json.MAPPER.readTree("{\"v\":" + written.json() + "}").get("v")));
            if (!written.quoted() && written.text().indexOf('e') < 0 && written.text().indexOf('E') < 0) {
                assertThat(wire).as(where(SEED + 2, i, written, decimal)).isEqualTo("{\"v\":" + written.text() + "}");
            }
        }
    }
}
