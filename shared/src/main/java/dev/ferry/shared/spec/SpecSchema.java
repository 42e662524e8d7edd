package dev.ferry.shared.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema of a spec file, derived from {@link IntegrationSpec}'s records so it cannot drift from
 * what the loader accepts. Shipped as {@code docs/schema/integration.schema.json} for editors (a test
 * checks the file is current and that every spec in the repo satisfies it).
 */
public final class SpecSchema {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SpecSchema() {
    }

    public static ObjectNode generate() {
        return schemaOf(IntegrationSpec.class, "integration", "Ferry integration spec",
                "One integration: source, webhook, schedule, mapping, destination, limits, examples. "
                        + "Generated from dev.ferry.shared.spec.IntegrationSpec; see docs/spec.md.",
                "name", "source", "mapping", "destination");
    }

    /** The schema of an API declaration ({@code apis/NAME.yaml}), shipped as {@code docs/schema/api.schema.json}. */
    public static ObjectNode generateApi() {
        return schemaOf(ApiSpec.class, "api", "Ferry API declaration",
                "One external API, declared once and referred to by name from integrations: base URL, "
                        + "auth, limits, rate-limit headers, paging, health. Generated from dev.ferry.shared.spec.ApiSpec; see docs/spec.md.",
                "name", "baseUrl");
    }

    private static ObjectNode schemaOf(Class<?> type, String id, String title, String description, String... required) {
        ObjectNode schema = NODES.objectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", "https://ferry.dev/schema/" + id + ".schema.json");
        schema.put("title", title);
        schema.put("description", description);
        ObjectNode defs = NODES.objectNode();
        ObjectNode root = record(type, defs);
        var list = root.putArray("required");
        for (String r : required) {
            list.add(r);
        }
        schema.setAll(root);
        schema.set("$defs", defs);
        return schema;
    }

    private static ObjectNode record(Class<?> type, ObjectNode defs) {
        ObjectNode node = NODES.objectNode();
        node.put("type", "object");
        node.put("additionalProperties", false);
        ObjectNode properties = node.putObject("properties");
        for (RecordComponent c : type.getRecordComponents()) {
            if (ignored(type, c)) {
                continue; // compiled at load, never written in YAML (e.g. ApiLimits.within)
            }
            JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
            if (renamed == null) {
                renamed = fieldAnnotation(type, c.getName());
            }
            String name = renamed != null && !renamed.value().isEmpty() ? renamed.value() : c.getName();
            JsonNode property = of(c.getGenericType(), defs);
            var setter = c.getAccessor().getAnnotation(com.fasterxml.jackson.annotation.JsonSetter.class);
            if (setter != null && setter.nulls() == com.fasterxml.jackson.annotation.Nulls.SET
                    && property instanceof ObjectNode typed && typed.has("type")) {
                // an explicit null is a value here (e.g. lookups' `missing: null`)
                typed.set("type", NODES.arrayNode().add(typed.get("type").asText()).add("null"));
                if (typed.has("enum")) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) typed.get("enum")).addNull();
                }
            }
            properties.set(name, property);
        }
        return node;
    }

    private static boolean ignored(Class<?> type, RecordComponent c) {
        try {
            return c.getAccessor().isAnnotationPresent(com.fasterxml.jackson.annotation.JsonIgnore.class)
                    || type.getDeclaredField(c.getName()).isAnnotationPresent(com.fasterxml.jackson.annotation.JsonIgnore.class);
        } catch (NoSuchFieldException e) {
            return false;
        }
    }

    private static JsonProperty fieldAnnotation(Class<?> type, String component) {
        try {
            return type.getDeclaredField(component).getAnnotation(JsonProperty.class);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private static JsonNode of(Type type, ObjectNode defs) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (Map.class.isAssignableFrom(raw)) {
                ObjectNode node = NODES.objectNode().put("type", "object");
                node.set("additionalProperties", of(p.getActualTypeArguments()[1], defs));
                return node;
            }
            if (List.class.isAssignableFrom(raw)) {
                ObjectNode node = NODES.objectNode().put("type", "array");
                node.set("items", of(p.getActualTypeArguments()[0], defs));
                return node;
            }
        }
        Class<?> c = (Class<?>) type;
        if (c == String.class) return NODES.objectNode().put("type", "string");
        if (c == Integer.class || c == int.class || c == Long.class) return NODES.objectNode().put("type", "integer");
        if (c == Double.class || c == double.class) return NODES.objectNode().put("type", "number");
        if (c == Boolean.class || c == boolean.class) return NODES.objectNode().put("type", "boolean");
        if (JsonNode.class.isAssignableFrom(c)) return NODES.objectNode(); // any JSON value
        if (c.isEnum()) {
            ObjectNode node = NODES.objectNode().put("type", "string");
            Options.spellings(c).forEach(node.putArray("enum")::add);
            return node;
        }
        if (c.isRecord()) {
            String name = c.getSimpleName();
            if (!defs.has(name)) {
                defs.putObject(name); // placeholder against recursion (FieldRule.each)
                defs.set(name, record(c, defs));
            }
            return NODES.objectNode().put("$ref", "#/$defs/" + name);
        }
        return NODES.objectNode(); // anything else: unconstrained
    }
}
