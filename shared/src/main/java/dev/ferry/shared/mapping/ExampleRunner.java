package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.spec.IntegrationSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a spec's {@code examples}: the data map as a QA contract. Each example's input must map to its
 * expected output exactly, or fail with an error containing the expected text. Lookups get the example's
 * canned answers ({@code lookups: { owners: { "ada@example.com": 42 } }}); a value without one is not found.
 */
public final class ExampleRunner {

    /** @param problem null when the example holds, else what differed */
    public record Result(String integration, String example, String problem) {
        public boolean passed() {
            return problem == null;
        }
    }

    private final FieldMapper mapper = new FieldMapper();
    private final OutputValidator validator = new OutputValidator();

    /** 12.5 written in YAML equals the decimal 12.50 a mapping produced: numbers compare by value. */
    private static final java.util.Comparator<JsonNode> SAME_NUMBER = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    public List<Result> run(IntegrationSpec spec) {
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < spec.examples().size(); i++) {
            IntegrationSpec.Example example = spec.examples().get(i);
            String name = example.name() == null ? "examples[" + i + "]" : example.name();
            results.add(new Result(spec.name(), name, check(spec, example)));
        }
        return results;
    }

    private String check(IntegrationSpec spec, IntegrationSpec.Example example) {
        JsonNode actual;
        try {
            actual = mapper.map(spec, example.input(), Lookups.canned(spec.lookups(), example.lookups()));
            List<String> violations = validator.violations(spec, actual);
            if (!violations.isEmpty()) {
                throw new MappingException("(record)", "(destination schema)", "does not fit the destination schema: "
                        + String.join("; ", violations));
            }
        } catch (MappingException e) {
            if (example.error() != null && e.getMessage().contains(example.error())) {
                return null;
            }
            return example.error() != null
                    ? "failed with \"" + e.getMessage() + "\", which does not contain \"" + example.error() + "\""
                    : "expected " + example.output() + " but mapping failed: " + e.getMessage();
        }
        if (example.error() != null) {
            return "expected an error containing \"" + example.error() + "\" but got " + actual;
        }
        return actual.equals(SAME_NUMBER, example.output()) ? null : "expected " + example.output() + " but got " + actual;
    }
}
