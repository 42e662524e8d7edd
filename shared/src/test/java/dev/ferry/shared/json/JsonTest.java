package dev.ferry.shared.json;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    private static JsonNode parse(String text) throws Exception {
        return Json.parseStrict(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void numbersKeepEveryDigitTheyArrivedWith() throws Exception {
        String[] numbers = {"12345678901234567.895", "0.1234567890123456789", "12345678901234567.0", "1E+400", "1E-400",
                "12.50", "123456789012345678901234567890", "-7.10", "9007199254740993"};
        for (String n : numbers) {
            JsonNode node = parse("{\"v\":" + n + "}").get("v");
            assertThat(node.decimalValue()).as(n).isEqualByComparingTo(new BigDecimal(n));
            assertThat(Json.write(node)).as(n).isEqualTo(n);
        }
    }

    @Test
    void oneStrictDocumentOnly() {
        String[] bad = {"{} {}", "{\"a\":1} x", "{\"a\":1,}", "[1,2,]", "{\"a\":1,\"a\":2}", "", "   ", "NaN", "{'a':1}"};
        for (String text : bad) {
            assertThatThrownBy(() -> parse(text)).as(text).isInstanceOf(Json.MalformedJsonException.class)
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void invalidUtf8IsRefusedWithThePosition() {
        byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
        assertThatThrownBy(() -> Json.parseStrict(overlong)).hasMessage("not valid UTF-8 at byte 6");
        byte[] encodedSurrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};
        assertThatThrownBy(() -> Json.parseStrict(encodedSurrogate)).hasMessageStartingWith("not valid UTF-8");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
        assertThatThrownBy(() -> Json.parseStrict(bom)).hasMessageContaining("byte-order mark");
    }

    @Test
    void charactersQueuesRefuseAreWrittenAsEscapesWithTheSameValue() throws Exception {
        JsonNode node = parse("{\"lone\":\"a\\ud800b\",\"nonchar\":\"\uFFFF\uFFFE\",\"emoji\":\"\uD83D\uDE00\",\"e\":\"é\"}");
        String text = Json.write(node);
        text.codePoints().forEach(cp -> assertThat(cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000).as("U+%04X", cp).isTrue());
        assertThat(Json.MAPPER.readTree(text)).isEqualTo(node);
        assertThat(Json.MAPPER.readTree(Json.writeBytes(node))).isEqualTo(node);
        assertThat(text).contains("é");
    }

    @Test
    void aNumericIdReadsAsPlainDigitsNeverInExponentForm() throws Exception {
        var record = Json.MAPPER.readTree("{\"a\": 1e3, \"b\": 12.50, \"c\": 7, \"d\": -2.5E-3, \"e\": 123456789012345678901234567890}");

        assertThat(Json.textAt(record, "/a")).isEqualTo("1000");
        assertThat(Json.textAt(record, "/b")).isEqualTo("12.50");
        assertThat(Json.textAt(record, "/c")).isEqualTo("7");
        assertThat(Json.textAt(record, "/d")).isEqualTo("-0.0025");
        assertThat(Json.textAt(record, "/e")).isEqualTo("123456789012345678901234567890");
    }
}
