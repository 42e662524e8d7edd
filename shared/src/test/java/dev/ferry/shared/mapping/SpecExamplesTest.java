package dev.ferry.shared.mapping;

import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every example of every spec in the repo is a test: a new integration gets tests by writing
 * examples, no Java. The module's working directory is shared/, so the specs are one level up.
 */
class SpecExamplesTest {

    static final Map<String, String> SETTINGS = Map.of("sandbox.crm.url", "http://127.0.0.1:1", "sandbox.billing.url",
            "http://127.0.0.1:2");

    static IntegrationRegistry repoSpecs() {
        return IntegrationRegistry.load(new SpecLoader(k -> Optional.ofNullable(SETTINGS.get(k)), true),
                List.of(Path.of("../integrations"), Path.of("../sandbox/integrations")));
    }

    @TestFactory
    Stream<DynamicTest> everyExampleOfEverySpecHolds() {
        ExampleRunner runner = new ExampleRunner();
        return repoSpecs().all().stream()
                .flatMap(spec -> runner.run(spec).stream())
                .map(result -> DynamicTest.dynamicTest(result.integration() + ": " + result.example(), () -> {
                    if (!result.passed()) {
                        fail(result.integration() + ": " + result.example() + ": " + result.explained());
                    }
                }));
    }

    @Test
    void everyShippedIntegrationHasAnExampleThatMapsAndOneThatMustFail() {
        assertThat(repoSpecs().all()).hasSizeGreaterThanOrEqualTo(8).allSatisfy(spec -> {
            assertThat(spec.examples()).as(spec.name() + ": an example that maps").anyMatch(e -> e.output() != null);
            assertThat(spec.examples()).as(spec.name() + ": an example that must fail").anyMatch(e -> e.error() != null);
        });
    }

    @Test
    void aDeliberatelyWrongExampleFailsAndSaysWhy() {
        String yaml = """
                name: wrong
                source: { recordId: /id, list: { url: "https://example.com/items" } }
                schedule: rate(1 minute)
                mapping:
                  amount: { from: /amount, type: decimal, scale: 2 }
                  plan: { from: /plan, map: { a: alpha } }
                destination: { method: POST, url: "https://example.com/x" }
                examples:
                  - name: wrong amount
                    input: { id: "1", amount: "1.005", plan: a }
                    output: { amount: 1.01, plan: alpha }
                  - name: expects an error that does not happen
                    input: { id: "2", amount: "1", plan: a }
                    error: unknown value
                  - name: expects the wrong error
                    input: { id: "3", amount: "1", plan: b }
                    error: not a number
                """;
        IntegrationSpec spec = new SpecLoader(k -> Optional.empty(), false).load("wrong.yaml", yaml);

        List<ExampleRunner.Result> results = new ExampleRunner().run(spec);

        assertThat(results).hasSize(3).noneMatch(ExampleRunner.Result::passed);
        assertThat(results.get(0).problem()).contains("expected").contains("1.01").contains("1.00");
        assertThat(results.get(0).diff()).containsExactly("amount: expected 1.01, got 1.00");
        assertThat(results.get(1).problem()).contains("expected an error containing \"unknown value\"");
        assertThat(results.get(2).problem()).contains("unknown value 'b'").contains("does not contain \"not a number\"");
    }

    @Test
    void aMismatchNamesEachFieldThatDiffers() {
        var expected = dev.ferry.shared.json.Json.MAPPER.valueToTree(java.util.Map.of("id", "1",
                "billing", java.util.Map.of("city", "London", "country", "GB"), "tags", List.of("a", "b")));
        var actual = dev.ferry.shared.json.Json.MAPPER.valueToTree(java.util.Map.of("id", "1", "extra", 7,
                "billing", java.util.Map.of("city", "Paris"), "tags", List.of("a")));

        assertThat(FieldDiff.of(expected, actual)).containsExactlyInAnyOrder("billing.city: expected \"London\", got \"Paris\"",
                "billing.country: missing, expected \"GB\"", "tags[1]: missing, expected \"b\"", "extra: not expected, got 7");
        assertThat(FieldDiff.of(expected, expected)).isEmpty();
    }

    @Test
    void examplesCompareNumbersExactlyByValue() {
        String yaml = """
                name: precise
                source: { recordId: /id, list: { url: "https://example.com/items" } }
                schedule: rate(1 minute)
                mapping:
                  amount: { from: /amount, type: decimal, scale: 2 }
                  raw: { from: /raw }
                destination: { method: POST, url: "https://example.com/x" }
                examples:
                  - name: holds, the scale written or not
                    input: { id: "1", amount: "12345678901234567.895", raw: 0.1234567890123456789 }
                    output: { amount: 12345678901234567.9, raw: 0.12345678901234567890 }
                  - name: one cent off at the 20th digit
                    input: { id: "2", amount: "12345678901234567.895", raw: 1 }
                    output: { amount: 12345678901234567.89, raw: 1 }
                  - name: off at the 19th decimal
                    input: { id: "3", amount: "1", raw: 0.1234567890123456789 }
                    output: { amount: 1, raw: 0.1234567890123456788 }
                """;
        IntegrationSpec spec = new SpecLoader(k -> Optional.empty(), false).load("precise.yaml", yaml);

        List<ExampleRunner.Result> results = new ExampleRunner().run(spec);

        assertThat(results.get(0).problem()).isNull();
        // as doubles, expected and actual were the same number in both of these
        assertThat(results.get(1).problem()).contains("12345678901234567.89").contains("12345678901234567.90");
        assertThat(results.get(1).diff()).singleElement().asString().startsWith("amount: expected 12345678901234567.89, got");
        assertThat(results.get(2).problem()).contains("0.1234567890123456788").contains("0.1234567890123456789");
    }
}
