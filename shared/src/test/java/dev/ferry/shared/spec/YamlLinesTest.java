package dev.ferry.shared.spec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every problem gets the line of its key, also where keys hold dots (mapping fields): the longest key at each step. */
class YamlLinesTest {

    static final String YAML = """
            name: x
            mapping:
              billing: { from: /b }
              billing.city:
                from: city
            examples:
              - name: one
                input: {}
                lookups:
                  owner: {}
            """;

    @Test
    void aDottedPathFindsTheLineOfItsKeyTakingTheLongestKeyAtEachStep() {
        assertThat(YamlLines.lineSuffixOfPath(YAML, "mapping.billing.city.from")).isEqualTo(":5");
        assertThat(YamlLines.lineSuffixOfPath(YAML, "examples[0].lookups.owner")).isEqualTo(":10");
        assertThat(YamlLines.lineSuffixOfPath(YAML, "mapping.billing")).isEqualTo(":3");
        assertThat(YamlLines.lineSuffixOfPath(YAML, "")).as("a problem of the whole file has no line").isEmpty();
        assertThat(YamlLines.lineSuffixOfPath("name: [unclosed", "name")).as("unparseable: no line rather than a wrong one").isEmpty();
    }
}
