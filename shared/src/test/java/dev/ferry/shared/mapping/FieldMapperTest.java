package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.IntegrationSpec.FieldRule;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FieldMapperTest {

    final FieldMapper mapper = new FieldMapper();

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static FieldRule from(String pointer) {
        return new FieldRule(pointer, null, null);
    }

    static FieldRule required(String pointer) {
        return new FieldRule(pointer, null, true);
    }

    static FieldRule constant(String json) {
        return new FieldRule(null, json(json), null);
    }

    static Map<String, FieldRule> rules(Object... nameAndRule) {
        Map<String, FieldRule> map = new LinkedHashMap<>();
        for (int i = 0; i < nameAndRule.length; i += 2) {
            map.put((String) nameAndRule[i], (FieldRule) nameAndRule[i + 1]);
        }
        return map;
    }

    static final JsonNode SOURCE = json("""
            {"id": "c-1", "name": "Ada", "address": {"city": "London", "lines": ["1 Main St", "Flat 2"]},
             "tags": [{"k": "vip"}], "nothing": null, "count": 3}
            """);

    @Test
    void copiesNestedPointers() {
        ObjectNode out = mapper.map(rules(
                "id", from("/id"),
                "city", from("/address/city"),
                "line2", from("/address/lines/1"),
                "firstTag", from("/tags/0/k"),
                "count", from("/count"),
                "address", from("/address")), SOURCE);

        assertThat(out).isEqualTo(json("""
                {"id": "c-1", "city": "London", "line2": "Flat 2", "firstTag": "vip", "count": 3,
                 "address": {"city": "London", "lines": ["1 Main St", "Flat 2"]}}
                """));
        assertThat(out.get("count").isInt()).isTrue();
    }

    @Test
    void copiedSubtreesAreIndependentOfTheSource() {
        JsonNode source = SOURCE.deepCopy();
        ObjectNode out = mapper.map(rules("address", from("/address")), source);
        ((ObjectNode) out.get("address")).put("city", "Paris");

        assertThat(source.at("/address/city").asText()).isEqualTo("London");
    }

    @Test
    void setsConstantsOfAnyType() {
        ObjectNode out = mapper.map(rules(
                "source", constant("\"crm\""),
                "version", constant("2"),
                "ratio", constant("0.5"),
                "active", constant("true"),
                "meta", constant("{\"a\": [1, 2]}")), SOURCE);

        assertThat(out).isEqualTo(json("""
                {"source": "crm", "version": 2, "ratio": 0.5, "active": true, "meta": {"a": [1, 2]}}
                """));
    }

    @Test
    void constantsAreCopiedSoOneOutputCannotChangeTheNext() {
        Map<String, FieldRule> mapping = rules("meta", constant("{\"a\": 1}"));
        ObjectNode first = mapper.map(mapping, SOURCE);
        ((ObjectNode) first.get("meta")).put("a", 99);

        assertThat(mapper.map(mapping, SOURCE).at("/meta/a").asInt()).isEqualTo(1);
    }

    @Test
    void dottedNamesMakeNestedObjects() {
        ObjectNode out = mapper.map(rules(
                "customer.id", from("/id"),
                "billing.address.city", from("/address/city"),
                "customer.name", from("/name"),
                "billing.kind", constant("\"home\"")), SOURCE);

        assertThat(out).isEqualTo(json("""
                {"customer": {"id": "c-1", "name": "Ada"},
                 "billing": {"address": {"city": "London"}, "kind": "home"}}
                """));
    }

    @Test
    void absentOptionalFieldsAreOmitted() {
        ObjectNode out = mapper.map(rules(
                "id", from("/id"),
                "email", from("/email"),
                "zip", from("/address/zip"),
                "deep.missing", from("/no/such/path")), SOURCE);

        assertThat(out).isEqualTo(json("{\"id\": \"c-1\"}"));
    }

    @Test
    void explicitNullIsCopiedWhenOptional() {
        ObjectNode out = mapper.map(rules("nothing", from("/nothing")), SOURCE);

        assertThat(out.has("nothing")).isTrue();
        assertThat(out.get("nothing").isNull()).isTrue();
    }

    @Test
    void requiredAbsentFieldFailsNamingFieldAndPath() {
        MappingException e = catchThrowableOfType(MappingException.class,
                () -> mapper.map(rules("id", from("/id"), "contact.email", required("/email")), SOURCE));

        assertThat(e).isNotNull();
        assertThat(e.field()).isEqualTo("contact.email");
        assertThat(e.sourcePath()).isEqualTo("/email");
        assertThat(e.getMessage()).contains("contact.email").contains("/email").contains("absent");
    }

    @Test
    void requiredNullFieldFailsNamingFieldAndPath() {
        MappingException e = catchThrowableOfType(MappingException.class,
                () -> mapper.map(rules("value", required("/nothing")), SOURCE));

        assertThat(e).isNotNull();
        assertThat(e.field()).isEqualTo("value");
        assertThat(e.sourcePath()).isEqualTo("/nothing");
        assertThat(e.getMessage()).contains("'value'").contains("/nothing").contains("null");
    }

    @Test
    void requiredPresentFieldIsCopied() {
        assertThat(mapper.map(rules("id", required("/id")), SOURCE)).isEqualTo(json("{\"id\": \"c-1\"}"));
    }

    @Test
    void mappingFromALoadedSpecKeepsYamlTypes() {
        IntegrationSpec spec = new dev.ferry.shared.spec.SpecLoader(k -> java.util.Optional.empty(), false)
                .load("demo.yaml", """
                        name: demo
                        source: { recordId: /id }
                        webhook:
                          deliveryIdHeader: X-Delivery
                          signature: { header: X-Signature, secret: ferry/demo/hook }
                        mapping:
                          id: { from: /id, required: true }
                          billing.city: { from: /address/city }
                          plan: { value: 3 }
                          tags: { value: [a, b] }
                          meta: { value: { source: demo } }
                        destination: { method: PUT, url: "https://dest.example.com/{recordId}" }
                        """);

        assertThat(mapper.map(spec.mapping(), SOURCE)).isEqualTo(json("""
                {"id": "c-1", "billing": {"city": "London"}, "plan": 3, "tags": ["a", "b"], "meta": {"source": "demo"}}
                """));
    }
}
