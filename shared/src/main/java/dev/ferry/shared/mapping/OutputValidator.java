package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.ferry.shared.json.Numbers;
import dev.ferry.shared.spec.IntegrationSpec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks mapped records against the destination's JSON Schema ({@code destination.schema}) before they
 * are sent, with networknt's validator. Schemas are compiled once per integration (and again when its spec is reloaded).
 *
 * <p>Numbers are checked exactly. networknt is exact on some node kinds only, so both sides are given to it in
 * those: it computes {@code multipleOf} on an integer node through a double (9007199254740993 passed
 * {@code multipleOf: 2}), so a record's integers beyond a double's exact range go in as decimals of the same value;
 * and with {@code type: integer} and a whole-number bound it compares a decimal through {@code asLong()}, which wraps
 * (123456789012345678901234567890 failed {@code minimum: 0}), so whole-number bounds and divisors go in as decimals
 * too, which it compares as BigDecimal. A number beyond the limits of {@link Numbers} is a violation of its own and
 * the schema is not run: {@code enum} and {@code multipleOf} on {@code 1E+999999999} exhaust the heap or throw.
 */
public final class OutputValidator {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /** 2^53: every integer up to it is exactly a double. */
    private static final BigDecimal DOUBLE_EXACT = BigDecimal.valueOf(1L << 53);
    /** A destination schema and its compiled form, by integration; a reloaded spec (another schema node) recompiles. */
    private record Compiled(JsonNode source, JsonSchema schema) {
    }

    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();

    /** @return every violation, empty when the record fits (or the spec has no destination schema) */
    public List<String> violations(IntegrationSpec spec, JsonNode record) {
        JsonNode schema = spec.destination().schema();
        if (schema == null) {
            return List.of();
        }
        List<String> beyond = new ArrayList<>();
        JsonNode exact = exactIntegers(record, "$", beyond);
        if (!beyond.isEmpty()) {
            return beyond;
        }
        Set<ValidationMessage> messages = compiled.compute(spec.name(), (k, known) -> known != null && known.source() == schema
                ? known : new Compiled(schema, FACTORY.getSchema(decimalBounds(schema)))).schema().validate(exact);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    private static final Set<String> BOUNDS = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf");

    /** A copy of the schema whose whole-number bounds and divisors are decimal nodes of the same value. */
    private static JsonNode decimalBounds(JsonNode schema) {
        JsonNode copy = schema.deepCopy();
        decimalBoundsIn(copy);
        return copy;
    }

    private static void decimalBoundsIn(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> keys = new ArrayList<>();
            object.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                JsonNode value = object.get(key);
                if (BOUNDS.contains(key) && value.isIntegralNumber()) {
                    object.set(key, DecimalNode.valueOf(Numbers.exact(value)));
                } else {
                    decimalBoundsIn(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(OutputValidator::decimalBoundsIn);
        }
    }

    /**
     * The node with integers beyond 2^53 as decimal nodes (the same node when it has none); numbers beyond the limits
     * are added to {@code beyond}.
     */
    private static JsonNode exactIntegers(JsonNode node, String at, List<String> beyond) {
        if (node.isNumber()) {
            BigDecimal number = Numbers.exact(node);
            if (number == null || !Numbers.withinLimits(number)) {
                String text = node.asText();
                beyond.add(at + ": " + (text.length() <= 64 ? text : text.substring(0, 40) + "... (" + text.length()
                        + " characters)") + " is beyond the numbers a schema is checked on (at most "
                        + Numbers.MAX_INTEGER_DIGITS + " digits before and " + Numbers.MAX_FRACTION_DIGITS + " after the point)");
                return node;
            }
            return node.isIntegralNumber() && number.abs().compareTo(DOUBLE_EXACT) > 0 ? DecimalNode.valueOf(number) : node;
        }
        if (node.isObject()) {
            ObjectNode copy = null;
            for (var e : node.properties()) {
                JsonNode value = exactIntegers(e.getValue(), at + "." + e.getKey(), beyond);
                if (value != e.getValue() && copy == null) {
                    copy = node.deepCopy();
                }
                if (copy != null) {
                    copy.set(e.getKey(), value);
                }
            }
            return copy == null ? node : copy;
        }
        if (node.isArray()) {
            ArrayNode copy = null;
            for (int i = 0; i < node.size(); i++) {
                JsonNode value = exactIntegers(node.get(i), at + "[" + i + "]", beyond);
                if (value != node.get(i) && copy == null) {
                    copy = node.deepCopy();
                }
                if (copy != null) {
                    copy.set(i, value);
                }
            }
            return copy == null ? node : copy;
        }
        return node;
    }
}
