package dev.ferry.shared.spec;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A YAML syntax error keeps its line and column, and says what the parser expected, without quoting the line. */
class YamlSyntaxTest {

    @Test
    void aSyntaxErrorNamesLineAndColumn() {
        String yaml = "name: demo\nsource:\n  recordId: /id\n   list: [\n";
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> new SpecLoader(k -> Optional.empty(), false).load("demo.yaml", yaml));

        assertThat(e.problems()).singleElement().asString()
                .startsWith("demo.yaml:4:8: not valid YAML: ")
                .contains("mapping values are not allowed here")
                .doesNotContain("in 'reader'").doesNotContain("^");
    }

    @Test
    void anUnclosedBlockSaysWhatWasExpectedWhere() {
        String yaml = "name: demo\nmapping:\n  a: { from: /a }\n - b\n";
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> new SpecLoader(k -> Optional.empty(), false).loadApi("apis/demo.yaml", yaml));

        assertThat(e.problems()).singleElement().asString().matches("apis/demo\\.yaml:4:\\d+: not valid YAML: .*expected.*");
    }
}
