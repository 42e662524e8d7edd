package dev.ferry.local.dev;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** ferry dev's report gives every problem a line, also where the loader leaves it out (dotted mapping fields). */
class DevSpecsTest {

    @Test
    void aProblemWithoutALineGetsTheLineOfItsKeyTakingTheLongestKeyAtEachStep(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("x.yaml"), """
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
                """);
        String f = file.toString();

        assertThat(DevSpecs.withLine(f, f + ": mapping.billing.city.from: must be a JSON Pointer"))
                .isEqualTo(f + ":5: mapping.billing.city.from: must be a JSON Pointer");
        assertThat(DevSpecs.withLine(f, f + ": examples[0].lookups.owner: answers a lookup the spec does not declare"))
                .isEqualTo(f + ":10: examples[0].lookups.owner: answers a lookup the spec does not declare");
        assertThat(DevSpecs.withLine(f, f + ":3: mapping.billing: already located")).isEqualTo(f + ":3: mapping.billing: already located");
        assertThat(DevSpecs.withLine(f, f + ": declares neither a webhook nor a schedule"))
                .isEqualTo(f + ": declares neither a webhook nor a schedule");
        assertThat(DevSpecs.withLine(f, "other.yaml: mapping.billing: x")).isEqualTo("other.yaml: mapping.billing: x");
    }
}
