package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.IntegrationSpec.FieldRule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Lookups in the mapping, without HTTP: canned answers and a recording fake of {@link Lookups}. */
class FieldMapperLookupTest {

    final FieldMapper mapper = new FieldMapper();

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static FieldRule rule(String json) {
        try {
            return Json.MAPPER.readValue(json, FieldRule.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static IntegrationSpec.Lookup declared(String missing) {
        return new IntegrationSpec.Lookup("https://crm.example.com/users?email={value}", null, "/data/0/id", null, null,
                missing == null ? null : dev.ferry.shared.spec.Options.MissingPolicy.valueOf(missing.toUpperCase(java.util.Locale.ROOT)), null);
    }

    /** Answers from a map and records every value asked for. */
    static final class Recording implements Lookups {
        final Map<String, JsonNode> answers;
        final String missing;
        final List<String> asked = new ArrayList<>();

        Recording(String missing, Map<String, JsonNode> answers) {
            this.missing = missing;
            this.answers = answers;
        }

        @Override
        public Optional<JsonNode> find(String lookup, String value) {
            asked.add(lookup + ":" + value);
            return Optional.ofNullable(answers.get(value));
        }

        @Override
        public boolean rejectsMissing(String lookup) {
            return declared(missing).rejectsMissing();
        }
    }

    static Map<String, FieldRule> mapping(String field, String ruleJson) {
        Map<String, FieldRule> m = new LinkedHashMap<>();
        m.put("id", rule("{\"from\": \"/id\"}"));
        m.put(field, rule(ruleJson));
        return m;
    }

    @Test
    void aFoundValueReplacesTheSourceValueAndIsTypedAfterwards() {
        var lookups = new Recording(null, Map.of("ada@example.com", json("\"42\"")));
        ObjectNode out = mapper.map(mapping("owner_id",
                        "{\"from\": \"/owner_email\", \"trim\": true, \"case\": \"lower\", \"lookup\": \"owners\", \"type\": \"integer\"}"),
                json("{\"id\": \"c-1\", \"owner_email\": \"  Ada@Example.COM \"}"), null, lookups);

        assertThat(out.get("id").asText()).isEqualTo("c-1");
        assertThat(out.get("owner_id").isIntegralNumber()).isTrue();
        assertThat(out.get("owner_id").asInt()).isEqualTo(42);
        assertThat(lookups.asked).as("the shaped value is the key").containsExactly("owners:ada@example.com");
    }

    @Test
    void anAnswerThatDoesNotConvertFailsTheRecordLikeAnyValue() {
        var lookups = new Recording(null, Map.of("ada@example.com", json("\"usr_9\"")));
        MappingException e = catchThrowableOfType(MappingException.class, () -> mapper.map(
                mapping("owner_id", "{\"from\": \"/owner_email\", \"lookup\": \"owners\", \"type\": \"integer\"}"),
                json("{\"id\": \"c-1\", \"owner_email\": \"ada@example.com\"}"), null, lookups));

        assertThat(e.getMessage()).isEqualTo("field 'owner_id' (from /owner_email): 'usr_9' is not a number");
    }

    @Test
    void notFoundRejectsByDefaultNamingFieldValueAndLookup() {
        var lookups = new Recording(null, Map.of());
        MappingException e = catchThrowableOfType(MappingException.class, () -> mapper.map(
                mapping("owner_id", "{\"from\": \"/owner_email\", \"lookup\": \"owners\"}"),
                json("{\"id\": \"c-1\", \"owner_email\": \"nobody@example.com\"}"), null, lookups));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).isEqualTo("field 'owner_id' (from /owner_email): lookup 'owners' found nothing for 'nobody@example.com'");
    }

    @Test
    void notFoundWithMissingNullGivesNullAndTheDestinationsNullPolicyApplies() {
        var lookups = new Recording("null", Map.of());
        Map<String, FieldRule> m = mapping("owner_id", "{\"from\": \"/owner_email\", \"lookup\": \"owners\", \"type\": \"integer\","
                + " \"map\": {\"x\": 1}}");
        JsonNode source = json("{\"id\": \"c-1\", \"owner_email\": \"nobody@example.com\"}");

        assertThat(mapper.map(m, source, null, lookups)).isEqualTo(json("{\"id\": \"c-1\", \"owner_id\": null}"));
        assertThat(mapper.map(m, source, dev.ferry.shared.spec.Options.DestinationNulls.OMIT, lookups)).isEqualTo(json("{\"id\": \"c-1\"}"));
    }

    @Test
    void anAbsentOrNullSourceValueAsksNothingAndItsOwnPolicyApplies() {
        var lookups = new Recording(null, Map.of());
        JsonNode absent = json("{\"id\": \"c-1\"}");
        JsonNode isNull = json("{\"id\": \"c-1\", \"owner_email\": null}");

        assertThat(mapper.map(mapping("owner_id", "{\"from\": \"/owner_email\", \"lookup\": \"owners\"}"), absent, null, lookups))
                .isEqualTo(json("{\"id\": \"c-1\"}"));
        assertThat(mapper.map(mapping("owner_id", "{\"from\": \"/owner_email\", \"lookup\": \"owners\", \"absent\": \"default\","
                + " \"default\": 0}"), absent, null, lookups)).isEqualTo(json("{\"id\": \"c-1\", \"owner_id\": 0}"));
        assertThat(mapper.map(mapping("owner_id", "{\"from\": \"/owner_email\", \"lookup\": \"owners\"}"), isNull, null, lookups))
                .isEqualTo(json("{\"id\": \"c-1\", \"owner_id\": null}"));
        MappingException required = catchThrowableOfType(MappingException.class, () -> mapper.map(
                mapping("owner_id", "{\"from\": \"/owner_email\", \"lookup\": \"owners\", \"required\": true}"), absent, null, lookups));
        assertThat(required.getMessage()).contains("required but absent");
        assertThat(lookups.asked).as("no value, no lookup").isEmpty();
    }

    @Test
    void anEmptyTextIsNotSentAndCountsAsNotFound() {
        var lookups = new Recording("null", Map.of("", json("1")));
        ObjectNode out = mapper.map(mapping("owner_id", "{\"from\": \"/owner_email\", \"trim\": true, \"lookup\": \"owners\"}"),
                json("{\"id\": \"c-1\", \"owner_email\": \"   \"}"), null, lookups);

        assertThat(out).isEqualTo(json("{\"id\": \"c-1\", \"owner_id\": null}"));
        assertThat(lookups.asked).isEmpty();
    }

    @Test
    void eachItemOfAnArrayIsLookedUpAndTheAnswerCanBeTranslated() {
        var lookups = new Recording(null, Map.of("DE", json("\"EU\""), "US", json("\"NA\"")));
        ObjectNode out = mapper.map(mapping("regions",
                        "{\"from\": \"/countries\", \"split\": \",\", \"trim\": true, \"case\": \"upper\", \"lookup\": \"regions\","
                                + " \"map\": {\"EU\": \"europe\", \"NA\": \"north-america\"}}"),
                json("{\"id\": \"c-1\", \"countries\": \"de, us\"}"), null, lookups);

        assertThat(out.get("regions")).isEqualTo(json("[\"europe\", \"north-america\"]"));
        assertThat(lookups.asked).containsExactly("regions:DE", "regions:US");
    }

    @Test
    void numbersAreAskedForAsPlainText() {
        var lookups = new Recording(null, Map.of("7", json("\"Seven\"")));
        ObjectNode out = mapper.map(mapping("name", "{\"from\": \"/n\", \"lookup\": \"names\"}"),
                json("{\"id\": \"c-1\", \"n\": 7.0}"), null, lookups);

        assertThat(out.get("name").asText()).isEqualTo("Seven");
    }

    @Test
    void aFailingLookupKeepsItsClassAndSaysWhichFieldAndValue() {
        Lookups failing = new Lookups() {
            @Override
            public Optional<JsonNode> find(String lookup, String value) {
                throw new StepFailure(FailureKind.THROTTLED, "GET https://crm.example.com/users?… answered 429", 429, null)
                        .retryAfterSeconds(3).deferred();
            }

            @Override
            public boolean rejectsMissing(String lookup) {
                return true;
            }
        };
        StepFailure f = catchThrowableOfType(StepFailure.class, () -> mapper.map(
                mapping("owner_id", "{\"from\": \"/owner_email\", \"lookup\": \"owners\"}"),
                json("{\"id\": \"c-1\", \"owner_email\": \"ada@example.com\"}"), null, failing));

        assertThat(f.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(f.spendsAttempt()).isFalse();
        assertThat(f.retryAfterSeconds()).isEqualTo(3);
        assertThat(f.httpStatus()).isEqualTo(429);
        assertThat(f.getMessage()).isEqualTo("field 'owner_id' (from /owner_email): lookup 'owners' for 'ada@example.com'"
                + " failed: GET https://crm.example.com/users?… answered 429");
    }

    @Test
    void cannedAnswersOfExamplesAndNoLookupsAtAll() {
        Lookups canned = Lookups.canned(Map.of("owners", declared(null)), Map.of("owners", Map.of("ada@example.com", json("42"))));
        assertThat(canned.find("owners", "ada@example.com")).contains(json("42"));
        assertThat(canned.find("owners", "bob@example.com")).isEmpty();
        assertThat(canned.rejectsMissing("owners")).isTrue();
        assertThat(Lookups.canned(Map.of("owners", declared("null")), Map.of()).rejectsMissing("owners")).isFalse();

        IllegalStateException none = catchThrowableOfType(IllegalStateException.class, () -> mapper.map(
                mapping("owner_id", "{\"from\": \"/owner_email\", \"lookup\": \"owners\"}"),
                json("{\"id\": \"c-1\", \"owner_email\": \"ada@example.com\"}")));
        assertThat(none).hasMessageContaining("lookup 'owners'");
    }

    @Test
    void lineageShowsTheLookup() {
        Map<String, FieldRule> m = mapping("owner_id", "{\"from\": \"/owner_email\", \"case\": \"lower\", \"lookup\": \"owners\", \"type\": \"integer\"}");
        assertThat(Lineage.of(m).get("owner_id").conversions()).containsExactly("lower case", "lookup owners", "as integer");

        IntegrationSpec spec = new IntegrationSpec("demo", null, null, null, null, null, m, Map.of("owners", declared(null)),
                null, null, null);
        assertThat(Lineage.of(spec).get("owner_id").conversions()).containsExactly("lower case",
                "lookup owners (GET https://crm.example.com/users?email={value} -> /data/0/id, not found: reject, cached 300 s)",
                "as integer");
    }
}
