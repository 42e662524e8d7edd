package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.IntegrationSpec.FieldRule;
import dev.ferry.shared.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Numbers through the mapping: exact, converted only by a rule, and never rounded twice (issue #11). */
class FieldMapperNumbersTest {

    final FieldMapper mapper = new FieldMapper();

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static FieldRule rule(String json) {
        try {
            return Json.MAPPER.readValue(json, FieldRule.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** {@code value} (JSON text: a number or a quoted string) mapped by {@code ruleJson} (with "from": "/v"). */
    JsonNode map(String ruleJson, String value) {
        ObjectNode out = mapper.map(Map.of("out", rule(ruleJson)), json("{\"v\":" + value + "}"));
        return out.get("out");
    }

    MappingException failure(String ruleJson, String value) {
        MappingException e = catchThrowableOfType(MappingException.class, () -> map(ruleJson, value));
        assertThat(e).as(ruleJson + " on " + value + " should fail").isNotNull();
        return e;
    }

    static final String DECIMAL = "{\"from\":\"/v\",\"type\":\"decimal\"}";
    static final String INTEGER = "{\"from\":\"/v\",\"type\":\"integer\"}";
    static final String STRING = "{\"from\":\"/v\",\"type\":\"string\"}";

    static String decimal(int scale, String rounding) {
        return "{\"from\":\"/v\",\"type\":\"decimal\",\"scale\":" + scale + (rounding == null ? "" : ",\"rounding\":\"" + rounding + "\"") + "}";
    }

    static String integer(String rounding) {
        return "{\"from\":\"/v\",\"type\":\"integer\",\"rounding\":\"" + rounding + "\"}";
    }

    // --- the issue's values ------------------------------------------------------------------------

    @Test
    void theIssuesValuesPassThroughWithEveryDigit() {
        for (String n : List.of("12345678901234567.895", "0.1234567890123456789", "12345678901234567.0", "1E+400", "1E-400",
                "123456789012345678901234567890", "0.000000000000000001", "12.50")) {
            JsonNode out = map("{\"from\":\"/v\"}", n);
            assertThat(out.decimalValue()).as(n).isEqualTo(new BigDecimal(n));
            assertThat(Json.write(out)).as(n).isEqualToIgnoringCase(new BigDecimal(n).toString());
        }
    }

    @Test
    void aDecimalWithoutScaleIsTheExactValueAsItArrived() {
        for (String n : List.of("12345678901234567.895", "0.1234567890123456789", "12345678901234567.0", "12.50", "-7.10")) {
            assertThat(map(DECIMAL, n).decimalValue()).as(n).isEqualTo(new BigDecimal(n));
            assertThat(map(DECIMAL, "\"" + n + "\"").decimalValue()).as("text " + n).isEqualTo(new BigDecimal(n));
        }
    }

    @Test
    void aDeclaredScaleRoundsTheExactValueOnce() {
        assertThat(map(decimal(2, null), "12345678901234567.895").decimalValue()).isEqualTo(new BigDecimal("12345678901234567.90"));
        assertThat(map(decimal(2, "HALF_DOWN"), "12345678901234567.895").decimalValue()).isEqualTo(new BigDecimal("12345678901234567.89"));
        assertThat(map(decimal(2, "HALF_UP"), "\"12345678901234567.885\"").decimalValue()).isEqualTo(new BigDecimal("12345678901234567.89"));
        assertThat(map(decimal(18, null), "0.1234567890123456789").decimalValue()).isEqualTo(new BigDecimal("0.123456789012345679"));
        assertThat(map(decimal(18, "DOWN"), "0.1234567890123456789").decimalValue()).isEqualTo(new BigDecimal("0.123456789012345678"));
        // just below a half: a double reads 1.0049999999999999999 as 1.005, which HALF_UP would round up
        assertThat(map(decimal(2, "HALF_UP"), "1.0049999999999999999").decimalValue()).isEqualTo(new BigDecimal("1.00"));
        assertThat(map(decimal(1, null), "12345678901234567.0").decimalValue()).isEqualTo(new BigDecimal("12345678901234567.0"));
        assertThat(map(decimal(2, null), "7").decimalValue()).isEqualTo(new BigDecimal("7.00"));
        assertThat(Json.write(map(decimal(2, null), "7"))).isEqualTo("7.00");
    }

    @Test
    void roundingUnnecessaryRefusesAValueThatNeedsRounding() {
        assertThat(map(decimal(2, "UNNECESSARY"), "1.50").decimalValue()).isEqualTo(new BigDecimal("1.50"));
        MappingException e = failure(decimal(2, "UNNECESSARY"), "1.005");
        assertThat(e.getMessage()).contains("'out'").contains("/v").contains("'1.005'").contains("more than 2 digits")
                .contains("UNNECESSARY");
    }

    @Test
    void anIntegerOfAWholeNumberIsExact() {
        assertThat(map(INTEGER, "12345678901234567.0").bigIntegerValue()).isEqualTo(new BigInteger("12345678901234567"));
        assertThat(map(INTEGER, "\"12345678901234567.000\"").bigIntegerValue()).isEqualTo(new BigInteger("12345678901234567"));
        assertThat(map(INTEGER, "123456789012345678901234567890").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(map(INTEGER, "\"123456789012345678901234567890\"").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(map(INTEGER, "1E+3").bigIntegerValue()).isEqualTo(BigInteger.valueOf(1000));
        assertThat(map(INTEGER, "9007199254740993").longValue()).isEqualTo(9007199254740993L);
        // the node the parser would make for the same digits
        assertThat(map(INTEGER, "\"42\"")).isEqualTo(json("42"));
        assertThat(map(INTEGER, "\"9007199254740993\"")).isEqualTo(json("9007199254740993"));
        assertThat(map(INTEGER, "\"123456789012345678901234567890\"")).isEqualTo(json("123456789012345678901234567890"));
    }

    @Test
    void anIntegerOfAFractionNeedsARoundingMode() {
        MappingException e = failure(INTEGER, "1.5");
        assertThat(e.field()).isEqualTo("out");
        assertThat(e.getMessage()).contains("'1.5' is not a whole number").contains("rounding");
        assertThat(failure(INTEGER, "12345678901234567.895").getMessage()).contains("'12345678901234567.895' is not a whole number");
        assertThat(failure(integer("UNNECESSARY"), "2.5").getMessage()).contains("not a whole number (rounding UNNECESSARY)");
    }

    @Test
    void anIntegerWithARoundingModeRoundsTheExactValue() {
        assertThat(map(integer("HALF_EVEN"), "2.5").intValue()).isEqualTo(2);
        assertThat(map(integer("HALF_UP"), "2.5").intValue()).isEqualTo(3);
        assertThat(map(integer("FLOOR"), "-2.5").intValue()).isEqualTo(-3);
        assertThat(map(integer("HALF_EVEN"), "12345678901234567.5").longValue()).isEqualTo(12345678901234568L);
        assertThat(map(integer("HALF_EVEN"), "12345678901234566.5").longValue()).isEqualTo(12345678901234566L);
        assertThat(map(integer("HALF_UP"), "0.4999999999999999999999").intValue()).isEqualTo(0);
        assertThat(map(integer("UNNECESSARY"), "2.000").intValue()).isEqualTo(2);
    }

    @Test
    void aStringOfANumberIsItsDigitsAsTheyArrived() {
        assertThat(map(STRING, "12.50").textValue()).isEqualTo("12.50");
        assertThat(map(STRING, "12345678901234567.895").textValue()).isEqualTo("12345678901234567.895");
        assertThat(map(STRING, "0.1234567890123456789").textValue()).isEqualTo("0.1234567890123456789");
        assertThat(map(STRING, "0.00000001").textValue()).isEqualTo("0.00000001");
        assertThat(map(STRING, "123456789012345678901234567890").textValue()).isEqualTo("123456789012345678901234567890");
        assertThat(map(STRING, "1E+3").textValue()).isEqualTo("1000");
        assertThat(map(STRING, "1.5e-7").textValue()).isEqualTo("0.00000015");
    }

    @Test
    void negativeZeroBecomesZero() {
        // BigDecimal has no negative zero; -0.0 and 0.0 are the same number
        assertThat(Json.write(map("{\"from\":\"/v\"}", "-0.0"))).isEqualTo("0.0");
        assertThat(Json.write(map(DECIMAL, "-0.0"))).isEqualTo("0.0");
        assertThat(map(STRING, "-0.0").textValue()).isEqualTo("0.0");
        assertThat(map(INTEGER, "-0.0").intValue()).isZero();
    }

    @Test
    void textIsANumberOnlyInNumberSyntax() {
        assertThat(map(INTEGER, "\" 42 \"").intValue()).isEqualTo(42);
        assertThat(map(INTEGER, "\"+7\"").intValue()).isEqualTo(7);
        assertThat(map(DECIMAL, "\".5\"").decimalValue()).isEqualTo(new BigDecimal("0.5"));
        for (String text : List.of("12,50", "0x1F", "NaN", "Infinity", "-Infinity", "1_000", "", "1e", "--1", "1.2.3",
                "\u0661\u0662\u0663" /* Arabic-Indic digits, which BigDecimal alone would read as 123 */, "\uff11\uff12")) {
            assertThat(failure(DECIMAL, Json.write(Json.MAPPER.getNodeFactory().textNode(text))).getMessage())
                    .as(text).contains("'" + text + "' is not a number");
        }
        assertThat(failure(INTEGER, "true").getMessage()).contains("'true' is not a number");
    }

    @Test
    void aDoubleThatIsNotFiniteIsNotANumber() {
        // records parsed by Json never hold a double; a node built in code might
        ObjectNode source = JsonNodeFactory.instance.objectNode().put("v", Double.POSITIVE_INFINITY);
        MappingException e = catchThrowableOfType(MappingException.class,
                () -> mapper.map(Map.of("out", rule(DECIMAL)), source));
        assertThat(e.getMessage()).contains("'Infinity' is not a number");
    }

    // --- limits ------------------------------------------------------------------------------------

    @Test
    void aConversionBeyondTheLimitsFailsWithAReasonAndQuickly() {
        String thousandDigits = "9".repeat(1000);
        List<String[]> cases = List.of(
                new String[] {INTEGER, "1e400", "401 digits before the decimal point"},
                new String[] {DECIMAL, "1e400", "401 digits before the decimal point"},
                new String[] {DECIMAL, "1e-400", "400 digits after the decimal point"},
                new String[] {decimal(2, null), "1e-400", "400 digits after the decimal point"},
                new String[] {INTEGER, "1E+999999999", "1000000000 digits before"},
                new String[] {integer("HALF_EVEN"), "1E-999999999", "999999999 digits after"},
                new String[] {decimal(2, null), "1E-999999999", "999999999 digits after"},
                new String[] {decimal(2, null), "0E-999999999", "digits after"},
                new String[] {decimal(2, null), "0E+999999999", "digits before"},
                new String[] {STRING, "1E+999999999", "digits before"},
                new String[] {STRING, "1E-999999999", "digits after"},
                new String[] {INTEGER, "\"1E+999999999\"", "digits before"},
                new String[] {DECIMAL, "\"1e99999999999\"", "exponent beyond any limit"},
                new String[] {INTEGER, thousandDigits, "1000 digits before"},
                new String[] {DECIMAL, "\"" + "1".repeat(1001) + "\"", "1001 characters"});
        for (String[] c : cases) {
            MappingException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> failure(c[0], c[1]), c[0] + " on " + c[1]);
            assertThat(e.getMessage()).as(c[0] + " on " + c[1]).contains("field 'out' (from /v)").contains(c[2])
                    .hasSizeLessThan(300);
        }
        assertThat(failure(INTEGER, "1E+999999999").getMessage()).contains("'1E+999999999'");
        assertThat(failure(INTEGER, thousandDigits).getMessage()).contains("(1000 characters)");
    }

    @Test
    void theLargestNumbersWithinTheLimitsConvert() {
        String hundredNines = "9".repeat(100);
        assertThat(map(INTEGER, hundredNines).bigIntegerValue()).isEqualTo(new BigInteger(hundredNines));
        assertThat(map(decimal(100, null), "0." + "1".repeat(100)).decimalValue()).isEqualTo(new BigDecimal("0." + "1".repeat(100)));
        // 2^256 - 1, the largest token amount in base units
        String max256 = BigInteger.TWO.pow(256).subtract(BigInteger.ONE).toString();
        assertThat(map(INTEGER, "\"" + max256 + "\"").bigIntegerValue().toString()).isEqualTo(max256);
    }

    @Test
    void aHostileExponentWithoutAConversionPassesAsWritten() {
        JsonNode out = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> map("{\"from\":\"/v\"}", "1E+999999999"));
        assertThat(Json.write(out)).isEqualTo("1E+999999999");
    }

    // --- value maps, booleans, lookups, templates ------------------------------------------------------

    @Test
    void aValueMapFindsANumberByValue() {
        String ruleJson = "{\"from\":\"/v\",\"map\":{\"1\":\"one\",\"2.5\":\"two and a half\",\"3.0\":\"three\","
                + "\"12345678901234567.896\":\"near\"},\"unknown\":\"reject\"}";
        assertThat(map(ruleJson, "1").textValue()).isEqualTo("one");
        assertThat(map(ruleJson, "1.0").textValue()).isEqualTo("one");
        assertThat(map(ruleJson, "2.50").textValue()).isEqualTo("two and a half");
        assertThat(map(ruleJson, "3").textValue()).isEqualTo("three");
        assertThat(map(ruleJson, "0.3E+1").textValue()).isEqualTo("three");
        // as doubles these two are one number; exactly, they are not
        assertThat(failure(ruleJson, "12345678901234567.895").getMessage()).contains("unknown value '12345678901234567.895'");
        // text is matched as text
        assertThat(failure(ruleJson, "\"1.0\"").getMessage()).contains("unknown value '1.0'");
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> failure(ruleJson, "1E+999999999")).getMessage())
                .contains("unknown value '1E+999999999'");
    }

    @Test
    void aBooleanFromANumberGoesByValue() {
        String ruleJson = "{\"from\":\"/v\",\"type\":\"boolean\"}";
        assertThat(map(ruleJson, "1").booleanValue()).isTrue();
        assertThat(map(ruleJson, "1.0").booleanValue()).isTrue();
        assertThat(map(ruleJson, "0.00").booleanValue()).isFalse();
        assertThat(map(ruleJson, "\"1\"").booleanValue()).isTrue();
        assertThat(failure(ruleJson, "2").getMessage()).contains("'2' is not a boolean");
        assertThat(failure(ruleJson, "1.0000000000000000000001").getMessage()).contains("is not a boolean");
    }

    @Test
    void aLookupKeyOfANumberIsItsCanonicalText() {
        List<String> asked = new ArrayList<>();
        Lookups lookups = new Lookups() {
            @Override
            public Optional<JsonNode> find(String lookup, String value) {
                asked.add(value);
                return Optional.of(json("\"found\""));
            }

            @Override
            public boolean rejectsMissing(String lookup) {
                return true;
            }
        };
        Map<String, FieldRule> rules = Map.of("out", rule("{\"from\":\"/v\",\"lookup\":\"accounts\"}"));
        for (String n : List.of("12345678901234567.8950", "1.0", "1E+3", "123456789012345678901234567890")) {
            mapper.map(rules, json("{\"v\":" + n + "}"), null, lookups);
        }
        assertThat(asked).containsExactly("12345678901234567.895", "1", "1000", "123456789012345678901234567890");
        MappingException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> catchThrowableOfType(MappingException.class,
                () -> mapper.map(rules, json("{\"v\":1E+999999999}"), null, lookups)));
        assertThat(e.getMessage()).contains("'1E+999999999'").contains("digits before the decimal point");
    }

    @Test
    void aTemplateWritesNumbersInTheirDigits() {
        Map<String, FieldRule> rules = Map.of("out", rule("{\"template\":\"{/a}|{/b}|{/c}|{/d}|{/e}\"}"));
        JsonNode out = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> mapper.map(rules,
                json("{\"a\":0.00000001,\"b\":12.50,\"c\":12345678901234567.895,\"d\":123456789012345678901234567890,\"e\":1E+999999999}")));
        assertThat(out.get("out").textValue()).isEqualTo("0.00000001|12.50|12345678901234567.895|123456789012345678901234567890|1E+999999999");
    }

    // --- numbers written in a spec --------------------------------------------------------------------

    @Test
    void constantsDefaultsAndMapsInASpecAreExact() {
        IntegrationSpec spec = new SpecLoader(k -> Optional.empty(), false).load("exact.yaml", """
                name: exact
                source: { recordId: /id }
                webhook:
                  deliveryIdHeader: X-Delivery
                  signature: { header: X-Signature, secret: ferry/exact/hook }
                mapping:
                  fee: { value: 12345678901234567.895 }
                  rate: { value: 0.123456789012345678 }
                  price: { value: 12.50 }
                  big: { value: 123456789012345678901234567890 }
                  tip: { from: /tip, absent: default, default: 0.10 }
                  tier: { from: /tier, map: { gold: 0.000000000000000001 } }
                destination: { method: PUT, url: "https://dest.example.com/{recordId}" }
                """);

        ObjectNode out = mapper.map(spec.mapping(), json("{\"id\":\"1\",\"tier\":\"gold\"}"));

        assertThat(out.get("fee").decimalValue()).isEqualTo(new BigDecimal("12345678901234567.895"));
        assertThat(out.get("rate").decimalValue()).isEqualTo(new BigDecimal("0.123456789012345678"));
        assertThat(out.get("price").decimalValue()).isEqualTo(new BigDecimal("12.50"));
        assertThat(out.get("big").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(out.get("tip").decimalValue()).isEqualTo(new BigDecimal("0.10"));
        assertThat(out.get("tier").decimalValue()).isEqualTo(new BigDecimal("0.000000000000000001"));
    }

    @Test
    void aScaleBeyondTheLimitsIsRefusedWhenTheSpecLoads() {
        String yaml = """
                name: scales
                source: { recordId: /id }
                webhook:
                  deliveryIdHeader: X-Delivery
                  signature: { header: X-Signature, secret: ferry/exact/hook }
                mapping:
                  a: { from: /a, type: decimal, scale: 101 }
                  b: { from: /b, type: decimal, scale: -2 }
                  c: { from: /c, type: decimal, scale: 100 }
                destination: { method: PUT, url: "https://dest.example.com/{recordId}" }
                """;
        var e = catchThrowableOfType(dev.ferry.shared.spec.SpecException.class,
                () -> new SpecLoader(k -> Optional.empty(), false).load("scales.yaml", yaml));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("mapping.a.scale: must be 0 to 100 digits, got 101")
                .contains("mapping.b.scale: must be 0 to 100 digits, got -2").doesNotContain("mapping.c");
    }
}
