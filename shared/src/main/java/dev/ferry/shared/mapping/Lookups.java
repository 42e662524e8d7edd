package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.spec.IntegrationSpec;

import java.util.Map;
import java.util.Optional;

/**
 * Answers a spec's lookups for {@link FieldMapper}: a value in, what the other API says for it out. The
 * mapping stays free of HTTP: the transform step supplies cached HTTP calls
 * ({@code dev.ferry.shared.lookup.LookupService}), spec examples their canned answers ({@link #canned}).
 */
public interface Lookups {

    /**
     * @param lookup the declared lookup's name
     * @param value  the field's value as text
     * @return the answer, or empty when the other side knows no such value (404, or nothing at the lookup's path).
     *         Any other trouble (5xx, timeouts, 429, credentials) is thrown, classified, and never means "not found".
     */
    Optional<JsonNode> find(String lookup, String value);

    /** Whether a value the lookup does not know fails the record ({@code missing: reject}, the default) or maps to null. */
    boolean rejectsMissing(String lookup);

    /** For mappings without lookups: a rule that names one fails. */
    Lookups NONE = new Lookups() {
        @Override
        public Optional<JsonNode> find(String lookup, String value) {
            throw new IllegalStateException("no lookups are available here (lookup '" + lookup + "')");
        }

        @Override
        public boolean rejectsMissing(String lookup) {
            return true;
        }
    };

    /**
     * Canned answers (spec examples, tests): {@code answers.get(lookup).get(value)}; a value without an answer is
     * "not found", and {@code declared} says what "not found" means for each lookup.
     */
    static Lookups canned(Map<String, IntegrationSpec.Lookup> declared, Map<String, Map<String, JsonNode>> answers) {
        return new Lookups() {
            @Override
            public Optional<JsonNode> find(String lookup, String value) {
                JsonNode answer = answers.getOrDefault(lookup, Map.of()).get(value);
                return answer == null || answer.isNull() ? Optional.empty() : Optional.of(answer.deepCopy());
            }

            @Override
            public boolean rejectsMissing(String lookup) {
                IntegrationSpec.Lookup l = declared.get(lookup);
                return l == null || l.rejectsMissing();
            }
        };
    }
}
