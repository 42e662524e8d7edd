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

    /**
     * @param problem null when the example holds, else what differed
     * @param diff    for an output that differs: one line per field that differs ({@code billing.city: expected "London", got "Paris"})
     */
    public record Result(String integration, String example, String problem, List<String> diff) {
        public Result(String integration, String example, String problem) {
            this(integration, example, problem, List.of());
        }

        public boolean passed() {
            return problem == null;
        }

        /** The problem and, under it, the fields that differ: what a test failure or {@code ferry test} shows. */
        public String explained() {
            return problem == null ? "holds" : diff.isEmpty() ? problem : problem + "\n  " + String.join("\n  ", diff);
        }
    }

    private final FieldMapper mapper = new FieldMapper();
    private final OutputValidator validator = new OutputValidator();

    public List<Result> run(IntegrationSpec spec) {
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < spec.examples().size(); i++) {
            IntegrationSpec.Example example = spec.examples().get(i);
            String name = example.name() == null ? "examples[" + i + "]" : example.name();
            results.add(check(spec, example, name));
        }
        return results;
    }

    private Result check(IntegrationSpec spec, IntegrationSpec.Example example, String name) {
        JsonNode actual;
        try {
            actual = map(spec, example);
        } catch (MappingException e) {
            if (example.error() != null && e.getMessage().contains(example.error())) {
                return new Result(spec.name(), name, null);
            }
            return new Result(spec.name(), name, example.error() != null
                    ? "failed with \"" + e.getMessage() + "\", which does not contain \"" + example.error() + "\""
                    : "expected " + example.output() + " but mapping failed: " + e.getMessage());
        }
        if (example.error() != null) {
            return new Result(spec.name(), name, "expected an error containing \"" + example.error() + "\" but got " + actual);
        }
        if (FieldDiff.same(example.output(), actual)) {
            return new Result(spec.name(), name, null);
        }
        return new Result(spec.name(), name, "expected " + example.output() + " but got " + actual,
                List.copyOf(FieldDiff.of(example.output(), actual)));
    }

    /** Maps and validates one example's input, as transform would. */
    private JsonNode map(IntegrationSpec spec, IntegrationSpec.Example example) {
        JsonNode actual = mapper.map(spec, example.input(), Lookups.canned(spec.lookups(), example.lookups()));
        List<String> violations = validator.violations(spec, actual);
        if (!violations.isEmpty()) {
            throw new MappingException("(record)", "(destination schema)", "does not fit the destination schema: "
                    + String.join("; ", violations));
        }
        return actual;
    }
}
