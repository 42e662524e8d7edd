package dev.ferry.shared.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class NumbersTest {

    static JsonNode json(String text) throws Exception {
        return Json.parseStrict(text.getBytes(StandardCharsets.UTF_8));
    }

    static String exact(String json) throws Exception {
        return new String(Numbers.writeExact(json(json)), StandardCharsets.UTF_8);
    }

    @Test
    void theDestinationGetsTheDigitsARecordArrivedWith() throws Exception {
        for (String n : List.of("12345678901234567.895", "0.123456789012345678", "0.000000000000000001", "0.00000001",
                "123456789012345678901234567890", "12.50", "-7.10", "0.0", "9007199254740993", "1E+400", "1E-400",
                "1.5E+3", "1E+999999999")) {
            // Json.write is BigDecimal.toString: 0.00000001 would leave as 1E-8
            assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> exact("{\"a\":[" + n + "]}"))).as(n)
                    .isEqualTo("{\"a\":[" + n + "]}");
        }
        assertThat(exact("-0.0")).isEqualTo("0.0");
        assertThat(exact("1.5e-7")).isEqualTo("0.00000015");
        assertThat(exact("1e3")).isEqualTo("1E+3");
    }

    @Test
    void theExactWriterWritesEverythingElseAsJsonDoes() throws Exception {
        JsonNode node = json("{\"a\":null,\"b\":[],\"c\":{},\"d\":true,\"e\":\"x\\\"y\",\"f\":[1,2.50,-3]}");
        assertThat(new String(Numbers.writeExact(node), StandardCharsets.UTF_8)).isEqualTo(Json.write(node));
    }

    @Test
    void theExactWriterKeepsTheQueueSafeEscapes() throws Exception {
        JsonNode node = json("{\"s\":\"a\\ud800b\uFFFF\",\"n\":0.00000001}");
        String text = new String(Numbers.writeExact(node), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("{\"s\":\"a\\ud800b\\uffff\",\"n\":0.00000001}");
        assertThat(Json.MAPPER.readTree(text)).isEqualTo(node);
    }

    @Test
    void theCanonicalTextIsOnePerValue() {
        for (String one : List.of("1", "1.0", "1.00", "1E+0", "0.1E+1", "10E-1")) {
            assertThat(Numbers.canonical(new BigDecimal(one))).as(one).isEqualTo("1");
        }
        assertThat(Numbers.canonical(new BigDecimal("2.50"))).isEqualTo("2.5");
        assertThat(Numbers.canonical(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(Numbers.canonical(new BigDecimal("-0.000"))).isEqualTo("0");
        assertThat(Numbers.canonical(new BigDecimal("0E+999999999"))).isEqualTo("0");
        assertThat(Numbers.canonical(new BigDecimal("0.00000001"))).isEqualTo("0.00000001");
        assertThat(Numbers.canonical(new BigDecimal("12345678901234567.8950"))).isEqualTo("12345678901234567.895");
        assertThat(Numbers.canonical(new BigDecimal("12345678901234567.896"))).isEqualTo("12345678901234567.896");
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Numbers.canonical(new BigDecimal("10E+999999998"))))
                .isEqualTo("1E+999999999");
        assertThat(Numbers.canonical(new BigDecimal("1.50E-400"))).isEqualTo("1.5E-400");
    }

    @Test
    void limitsCountDigitsAsWritten() {
        assertThat(Numbers.integerDigits(new BigDecimal("1E+3"))).isEqualTo(4);
        assertThat(Numbers.integerDigits(new BigDecimal("0.5"))).isZero();
        assertThat(Numbers.fractionDigits(new BigDecimal("12.50"))).isEqualTo(2);
        assertThat(Numbers.fractionDigits(new BigDecimal("1E+3"))).isZero();
        assertThat(Numbers.withinLimits(new BigDecimal("9".repeat(100) + "." + "9".repeat(100)))).isTrue();
        assertThat(Numbers.withinLimits(new BigDecimal("1E+100"))).isFalse();
        assertThat(Numbers.withinLimits(new BigDecimal("1E-101"))).isFalse();
        assertThatThrownBy(() -> Numbers.checkLimits(new BigDecimal("1E+999999999"))).isInstanceOf(Numbers.LimitException.class)
                .hasMessage("has 1000000000 digits before the decimal point; conversions take at most 100");
    }

    @Test
    void textIsReadInNumberSyntaxOnly() {
        assertThat(Numbers.parse("+7")).isEqualTo(new BigDecimal("7"));
        assertThat(Numbers.parse("5.")).isEqualTo(new BigDecimal("5"));
        assertThat(Numbers.parse("-.5e-3")).isEqualTo(new BigDecimal("-0.0005"));
        for (String bad : List.of("", " 1", "1 ", "1,5", "0x10", "NaN", "Infinity", "1e", "e1", ".", "+", "1__0", "\u0661")) {
            assertThatThrownBy(() -> Numbers.parse(bad)).as(bad).isInstanceOf(NumberFormatException.class);
        }
        assertThatThrownBy(() -> Numbers.parse("1e9999999999")).isInstanceOf(Numbers.LimitException.class);
        assertThatThrownBy(() -> Numbers.parse("1".repeat(1001))).isInstanceOf(Numbers.LimitException.class)
                .hasMessageContaining("1001 characters");
    }

    @Test
    void exactValuesOfEveryKindOfNumberNode() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        assertThat(Numbers.exact(nodes.numberNode(7))).isEqualTo(BigDecimal.valueOf(7));
        assertThat(Numbers.exact(nodes.numberNode(Long.MAX_VALUE))).isEqualTo(BigDecimal.valueOf(Long.MAX_VALUE));
        assertThat(Numbers.exact(nodes.numberNode(new BigInteger("123456789012345678901234567890"))))
                .isEqualTo(new BigDecimal("123456789012345678901234567890"));
        assertThat(Numbers.exact(nodes.numberNode(new BigDecimal("12.50")))).isEqualTo(new BigDecimal("12.50"));
        assertThat(Numbers.exact(nodes.numberNode(0.1))).isEqualTo(new BigDecimal("0.1"));
        assertThat(Numbers.exact(nodes.numberNode(Double.NaN))).isNull();
        assertThat(Numbers.exact(nodes.textNode("1"))).isNull();
        assertThat(Numbers.exact(null)).isNull();
    }

    @Test
    void integerNodesAreTheSmallestKind() {
        assertThat(Numbers.integerNode(BigInteger.valueOf(42)).isInt()).isTrue();
        assertThat(Numbers.integerNode(BigInteger.valueOf(Integer.MIN_VALUE)).isInt()).isTrue();
        assertThat(Numbers.integerNode(BigInteger.valueOf(Integer.MAX_VALUE + 1L)).isLong()).isTrue();
        assertThat(Numbers.integerNode(BigInteger.valueOf(Long.MIN_VALUE)).isLong()).isTrue();
        assertThat(Numbers.integerNode(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE)).isBigInteger()).isTrue();
    }
}
