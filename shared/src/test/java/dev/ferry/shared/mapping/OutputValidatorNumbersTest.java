package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The destination schema on exact numbers: networknt's numeric keywords, a schema written in YAML, hostile exponents. */
class OutputValidatorNumbersTest {

    static final IntegrationSpec SPEC = new SpecLoader(k -> Optional.empty(), false).load("bounded.yaml", """
            name: bounded
            source: { recordId: /id }
            webhook:
              deliveryIdHeader: X-Delivery
              signature: { header: X-Signature, secret: ferry/bounded/hook }
            mapping:
              id: { from: /id }
            destination:
              method: POST
              url: "https://dest.example.com/x"
              schema:
                type: object
                properties:
                  count: { type: integer }
                  id64: { type: integer, minimum: -9223372036854775808, maximum: 9223372036854775807 }
                  wei: { type: integer, minimum: 0 }
                  small: { type: integer, maximum: 100 }
                  exact: { enum: [9007199254740993, 123456789012345678901234567891] }
                  cents: { type: number, multipleOf: 0.01 }
                  tokens: { type: number, multipleOf: 0.000000000000000001 }
                  even: { type: integer, multipleOf: 2 }
                  capped: { type: number, maximum: 12345678901234567.89 }
                  positive: { type: number, exclusiveMinimum: 0 }
                  fee: { const: 12345678901234567.895 }
                  rate: { enum: [0.1, 0.25] }
            """);

    final OutputValidator validator = new OutputValidator();

    List<String> violations(String record) throws Exception {
        return validator.violations(SPEC, Json.MAPPER.readTree(record));
    }

    static String field(String name, String number) {
        return "{\"" + name + "\":" + number + "}";
    }

    @Test
    void integerAcceptsWholeNumbersOfAnySizeAndAnyScale() throws Exception {
        for (String n : List.of("1", "1.0", "12345678901234567.0", "123456789012345678901234567890", "1E+3")) {
            assertThat(violations(field("count", n))).as(n).isEmpty();
        }
        for (String n : List.of("1.5", "12345678901234567.000000000000000001")) {
            assertThat(violations(field("count", n))).as(n).containsExactly("$.count: number found, integer expected");
        }
    }

    @Test
    void aBoundedIntegerIsCheckedExactlyAtItsBounds() throws Exception {
        assertThat(violations(field("id64", "9223372036854775807"))).isEmpty();
        assertThat(violations(field("id64", "-9223372036854775808"))).isEmpty();
        assertThat(violations(field("id64", "9223372036854775808"))).containsExactly("$.id64: must have a maximum value of 9223372036854775807");
        assertThat(violations(field("id64", "-9223372036854775809"))).containsExactly("$.id64: must have a minimum value of -9223372036854775808");
        assertThat(violations(field("id64", "9223372036854775807.5"))).contains("$.id64: number found, integer expected");
    }

    @Test
    void wholeNumberBoundsUnderTypeIntegerAreExactForIntegersWrittenAsDecimals() throws Exception {
        // networknt compared these through asLong(), which wraps: 123456789012345678901234567890 failed minimum 0
        // and 18446744073709551716 (2^64 + 100) passed maximum 100
        for (String n : List.of("123456789012345678901234567890", "123456789012345678901234567890.0", "1.2345678901234567890123456789E+29")) {
            assertThat(violations(field("wei", n))).as(n).isEmpty();
        }
        assertThat(violations(field("wei", "-123456789012345678901234567890"))).containsExactly("$.wei: must have a minimum value of 0");
        for (String n : List.of("18446744073709551716", "18446744073709551716.0", "1.8446744073709551716E+19")) {
            assertThat(violations(field("small", n))).as(n).containsExactly("$.small: must have a maximum value of 100");
        }
        assertThat(violations(field("small", "100.0"))).isEmpty();
    }

    @Test
    void enumAndConstCompareLargeIntegersExactly() throws Exception {
        assertThat(violations(field("exact", "9007199254740993"))).isEmpty();
        assertThat(violations(field("exact", "123456789012345678901234567891"))).isEmpty();
        assertThat(violations(field("exact", "9007199254740992"))).hasSize(1);
        assertThat(violations(field("exact", "123456789012345678901234567890"))).hasSize(1);
    }

    @Test
    void multipleOfIsExactOnDecimalsAndOnLargeIntegers() throws Exception {
        assertThat(violations(field("cents", "12345678901234567.89"))).isEmpty();
        assertThat(violations(field("cents", "12345678901234567.890000"))).isEmpty();
        assertThat(violations(field("cents", "12345678901234567.895"))).containsExactly("$.cents: must be multiple of 0.01");
        assertThat(violations(field("tokens", "0.123456789012345678"))).isEmpty();
        // (networknt prints the divisor rounded: "must be multiple of 0")
        assertThat(violations(field("tokens", "0.1234567890123456789"))).singleElement().asString().startsWith("$.tokens: must be multiple of");
        // networknt computes multipleOf on an integer node through a double, where 9007199254740993 is even
        assertThat(violations(field("even", "9007199254740992"))).isEmpty();
        assertThat(violations(field("even", "9007199254740993"))).containsExactly("$.even: must be multiple of 2");
        assertThat(violations(field("even", "123456789012345678901234567891"))).containsExactly("$.even: must be multiple of 2");
        assertThat(violations(field("even", "123456789012345678901234567890"))).isEmpty();
    }

    @Test
    void boundsWrittenInTheSpecAreExact() throws Exception {
        // as doubles, the bound and both values are 12345678901234568
        assertThat(violations(field("capped", "12345678901234567.89"))).isEmpty();
        assertThat(violations(field("capped", "12345678901234567.891"))).containsExactly("$.capped: must have a maximum value of 12345678901234567.89");
        assertThat(violations(field("positive", "1E-100"))).isEmpty();
        assertThat(violations(field("positive", "0.000"))).hasSize(1);
        assertThat(violations(field("fee", "12345678901234567.895"))).isEmpty();
        assertThat(violations(field("fee", "12345678901234567.896"))).hasSize(1);
        assertThat(violations(field("rate", "0.10"))).isEmpty();
        assertThat(violations(field("rate", "0.1000000000000000000001"))).hasSize(1);
    }

    @Test
    void aNumberBeyondTheLimitsIsAViolationNotAnExhaustedHeap() throws Exception {
        // networknt's enum check of 1E+999999999 runs out of memory; its multipleOf throws
        for (String n : List.of("1E+999999999", "1E-999999999", "1e400")) {
            JsonNode record = Json.MAPPER.readTree("{\"rate\":" + n + ",\"nested\":[{\"x\":" + n + "}],\"cents\":1.5}");
            List<String> found = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> validator.violations(SPEC, record));
            assertThat(found).as(n).hasSize(2).allMatch(v -> v.contains("is beyond the numbers a schema is checked on"));
            assertThat(found.get(0)).startsWith("$.rate: ");
            assertThat(found.get(1)).startsWith("$.nested[0].x: ");
        }
    }
}
