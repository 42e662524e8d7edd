package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.json.Numbers;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.IntegrationSpec.FieldRule;
import dev.ferry.shared.spec.Options;
import dev.ferry.shared.spec.Options.Policy;
import dev.ferry.shared.time.DatePattern;
import dev.ferry.shared.time.DateValueException;
import dev.ferry.shared.time.EpochUnit;
import dev.ferry.shared.time.Reading;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies a spec's declarative mapping to one source record. Each output field is taken from a JSON
 * Pointer, a constant or a template; then shaped (arrays, split, trim, case), translated (value maps),
 * typed (string, integer, decimal with explicit rounding, boolean, datetime, date) and checked against
 * its null policies — absent, null and empty are three different things. A rule may replace its value
 * by another API's answer ({@code lookup}, after shaping, before translation and type; see {@link Lookups}).
 * Every failure names the output field, the source path and the reason.
 *
 * <p>Numbers are exact: a value keeps every digit it arrived with unless its rule converts it, and a conversion works
 * on the exact value (BigDecimal, never a double), within the limits of {@link Numbers}; a conversion that cannot be
 * exact without a declared rounding fails the record instead.
 */
public final class FieldMapper {

    private static final Pattern TEMPLATE = Pattern.compile("\\{(/[^}]*)}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final Map<String, DatePattern> patterns = new ConcurrentHashMap<>();
    // Per spec value, not per record: zones and output paths are parsed once.
    private final Map<String, ZoneId> zones = new ConcurrentHashMap<>();
    private static final Map<String, String[]> PATHS = new ConcurrentHashMap<>();

    public ObjectNode map(Map<String, FieldRule> mapping, JsonNode source) {
        return map(mapping, source, null);
    }

    /** @param destinationNulls the destination-wide policy for null values of fields that set none (keep, omit) */
    public ObjectNode map(Map<String, FieldRule> mapping, JsonNode source, Options.DestinationNulls destinationNulls) {
        return map(mapping, source, destinationNulls, Lookups.NONE);
    }

    /** A spec's whole mapping, its lookups answered by {@code lookups}. */
    public ObjectNode map(IntegrationSpec spec, JsonNode source, Lookups lookups) {
        return map(spec.mapping(), source, spec.destination() == null ? null : spec.destination().nulls(), lookups);
    }

    /**
     * @param destinationNulls the destination-wide policy for null values of fields that set none (keep, omit)
     * @param lookups          answers the rules' {@code lookup}s
     */
    public ObjectNode map(Map<String, FieldRule> mapping, JsonNode source, Options.DestinationNulls destinationNulls,
                          Lookups lookups) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, FieldRule> e : mapping.entrySet()) {
            String field = e.getKey();
            FieldRule rule = e.getValue();
            String path = rule.value() != null ? "(constant)" : rule.template() != null ? rule.template() : rule.from();
            JsonNode value = mapField(field, path, rule, source, destinationNulls, lookups);
            if (value != null) {
                put(out, field, value);
            }
        }
        return out;
    }

    /** @return the output value, or null to leave the field out */
    private JsonNode mapField(String field, String path, FieldRule rule, JsonNode source, Options.DestinationNulls destinationNulls,
                              Lookups lookups) {
        JsonNode value;
        if (rule.value() != null) {
            value = rule.value().deepCopy();
        } else if (rule.template() != null) {
            value = NODES.textNode(render(rule.template(), source));
        } else {
            value = Json.at(source, rule.from());
            value = value == null ? MissingNode.getInstance() : value.deepCopy();
        }
        if (value.isMissingNode()) {
            Policy policy = rule.ifAbsent() != null ? rule.ifAbsent() : rule.isRequired() ? Policy.REJECT : Policy.OMIT;
            // A default is written in the destination's terms already: it is not shaped, translated or typed.
            return apply(policy, field, path, rule, "required but absent in the source record", NullNode.getInstance());
        }
        if (value.isNull()) {
            Policy policy = rule.ifNull() != null ? rule.ifNull() : rule.isRequired() ? Policy.REJECT
                    : destinationNulls == Options.DestinationNulls.OMIT ? Policy.OMIT : Policy.KEEP;
            return apply(policy, field, path, rule, "required but null in the source record", NullNode.getInstance());
        }
        value = shape(field, path, rule, value, lookups);
        if ((value.isTextual() && value.asText().isEmpty()) || (value.isArray() && value.isEmpty())) {
            Policy policy = rule.ifEmpty() != null ? rule.ifEmpty() : Policy.KEEP;
            if (policy != Policy.KEEP) {
                return apply(policy, field, path, rule, "must not be empty", value);
            }
        }
        if (rule.lookup() != null) {
            // The shaped value (trimmed, lower-cased, ...) is the key; the answer goes on to translation and type.
            value = lookUp(field, path, rule, value, lookups);
        }
        if (rule.map() != null && !rule.map().isEmpty() && !value.isNull()) {
            value = translate(field, path, rule, value);
        }
        value = rule.type() == null ? value : coerce(field, path, rule, value);
        // A shaped value can become null (pick from an empty list): the destination-wide policy still applies.
        return value.isNull() && rule.ifNull() == null && destinationNulls == Options.DestinationNulls.OMIT ? null : value;
    }

    private static JsonNode apply(Policy policy, String field, String path, FieldRule rule, String reason, JsonNode keep) {
        return switch (policy) {
            case OMIT -> null;
            case NULL -> NullNode.getInstance();
            case KEEP -> keep;
            case DEFAULT -> {
                if (rule.defaultValue() == null) {
                    throw new MappingException(field, path, "policy 'default' but no default is declared");
                }
                yield rule.defaultValue().deepCopy();
            }
            case REJECT -> throw new MappingException(field, path, reason);
        };
    }

    private JsonNode shape(String field, String path, FieldRule rule, JsonNode value, Lookups lookups) {
        if (value.isArray()) {
            if (Boolean.TRUE.equals(rule.flatten())) {
                ArrayNode flat = NODES.arrayNode();
                value.forEach(item -> {
                    if (item.isArray()) {
                        flat.addAll((ArrayNode) item);
                    } else {
                        flat.add(item);
                    }
                });
                value = flat;
            }
            if (rule.each() != null) {
                ArrayNode mapped = NODES.arrayNode();
                for (int i = 0; i < value.size(); i++) {
                    try {
                        mapped.add(map(rule.each(), value.get(i), null, lookups));
                    } catch (MappingException e) {
                        throw new MappingException(field + "[" + i + "]." + e.field(), path + "/" + i + e.sourcePath(),
                                e.reason());
                    }
                }
                value = mapped;
            }
            if (rule.pick() != null) {
                value = value.isEmpty() ? NullNode.getInstance()
                        : rule.pick() == Options.Pick.LAST ? value.get(value.size() - 1) : value.get(0);
            }
        }
        if (rule.split() != null && value.isTextual()) {
            ArrayNode parts = NODES.arrayNode();
            for (String part : value.asText().split(Pattern.quote(rule.split()), -1)) {
                parts.add(part);
            }
            value = parts;
        }
        return texts(value, rule);
    }

    private static JsonNode texts(JsonNode value, FieldRule rule) {
        if (value.isArray()) {
            ArrayNode out = NODES.arrayNode();
            value.forEach(item -> out.add(texts(item, rule)));
            if (Boolean.TRUE.equals(rule.trim()) && rule.split() != null) {
                ArrayNode kept = NODES.arrayNode();
                out.forEach(item -> {
                    if (!(item.isTextual() && item.asText().isEmpty())) {
                        kept.add(item);
                    }
                });
                return kept;
            }
            return out;
        }
        if (!value.isTextual()) {
            return value;
        }
        String text = value.asText();
        if (Boolean.TRUE.equals(rule.trim())) {
            text = text.strip();
        }
        if (rule.letters() == Options.LetterCase.LOWER) {
            text = text.toLowerCase(Locale.ROOT);
        } else if (rule.letters() == Options.LetterCase.UPPER) {
            text = text.toUpperCase(Locale.ROOT);
        }
        return NODES.textNode(text);
    }

    /**
     * Replaces the value by the lookup's answer (each item of an array by its own). An empty text has no
     * answer and is not sent. Not found: the record fails, or the value becomes null, as the lookup declares.
     */
    private static JsonNode lookUp(String field, String path, FieldRule rule, JsonNode value, Lookups lookups) {
        if (value.isArray()) {
            ArrayNode out = NODES.arrayNode();
            value.forEach(item -> out.add(lookUp(field, path, rule, item, lookups)));
            return out;
        }
        if (value.isNull()) {
            return value;
        }
        if (value.isContainerNode()) {
            throw new MappingException(field, path, "lookup '" + rule.lookup() + "' needs a text or a number, got an object");
        }
        String key = value.isNumber() ? Numbers.canonical(number(field, path, value)) : value.asText();
        Optional<JsonNode> answer;
        try {
            answer = key.isEmpty() ? Optional.empty() : lookups.find(rule.lookup(), key);
        } catch (StepFailure f) {
            throw f.withReason("field '" + field + "' (from " + path + "): lookup '" + rule.lookup() + "' for '" + key
                    + "' failed: " + f.getMessage());
        }
        if (answer.isPresent()) {
            return answer.get();
        }
        if (lookups.rejectsMissing(rule.lookup())) {
            throw new MappingException(field, path, "lookup '" + rule.lookup() + "' found nothing for '" + key + "'");
        }
        return NullNode.getInstance();
    }

    private static JsonNode translate(String field, String path, FieldRule rule, JsonNode value) {
        if (value.isArray()) {
            ArrayNode out = NODES.arrayNode();
            value.forEach(item -> out.add(translate(field, path, rule, item)));
            return out;
        }
        JsonNode mapped = rule.map().get(value.asText());
        if (mapped == null && value.isNumber()) {
            mapped = byValue(rule.map(), value);
        }
        if (mapped != null) {
            return mapped.deepCopy();
        }
        return switch (rule.unknown() == null ? Options.UnknownPolicy.REJECT : rule.unknown()) {
            case KEEP -> value;
            case DEFAULT -> {
                if (rule.defaultValue() == null) {
                    throw new MappingException(field, path, "unknown value '" + value.asText() + "' and no default is declared");
                }
                yield rule.defaultValue().deepCopy();
            }
            case REJECT -> throw new MappingException(field, path, "unknown value '" + value.asText() + "' (known: "
                    + String.join(", ", rule.map().keySet()) + ")");
        };
    }

    /**
     * A number matches a key that is the same number ({@code 2.50} finds {@code "2.5"}, {@code 1} finds {@code "1.0"}):
     * the key as written first, then its canonical text, then every key by value. Text matches text only.
     */
    private static JsonNode byValue(Map<String, JsonNode> map, JsonNode value) {
        BigDecimal number = Numbers.exact(value);
        if (number == null || !Numbers.withinLimits(number)) {
            return null;
        }
        JsonNode mapped = map.get(Numbers.canonical(number));
        if (mapped != null) {
            return mapped;
        }
        for (Map.Entry<String, JsonNode> e : map.entrySet()) {
            try {
                if (Numbers.parse(e.getKey().strip()).compareTo(number) == 0) {
                    return e.getValue();
                }
            } catch (ArithmeticException | NumberFormatException notANumber) {
                // a key that is not a number cannot be this number
            }
        }
        return null;
    }

    private JsonNode coerce(String field, String path, FieldRule rule, JsonNode value) {
        if (value.isNull()) {
            return value;
        }
        if (value.isArray()) {
            ArrayNode out = NODES.arrayNode();
            value.forEach(item -> out.add(coerce(field, path, rule, item)));
            return out;
        }
        try {
            return switch (rule.type()) {
                case STRING -> NODES.textNode(value.isNumber() ? number(field, path, value).toPlainString() : value.asText());
                case INTEGER -> integer(field, path, rule, value);
                case DECIMAL -> decimal(field, path, rule, value);
                case BOOLEAN -> NODES.booleanNode(bool(field, path, value));
                case DATETIME -> datetime(field, path, rule, value);
                case DATE -> date(field, path, rule, value);
            };
        } catch (NumberFormatException e) {
            throw new MappingException(field, path, "'" + value.asText() + "' is not a number");
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new MappingException(field, path, "'" + value.asText() + "' is not a " + rule.type()
                    + " in format " + (rule.format() == null ? "iso" : rule.format()));
        }
    }

    // --- numbers: a conversion works on the exact value and fails rather than change a digit unasked ----------

    /**
     * The exact value of a JSON number, or of text in number syntax (ASCII digits, optional sign, point and exponent).
     *
     * @throws NumberFormatException      when the value is not a number
     * @throws Numbers.LimitException     for text too long, or an exponent beyond any limit (an ArithmeticException)
     */
    private static BigDecimal decimal(JsonNode value) {
        if (value.isNumber()) {
            BigDecimal exact = Numbers.exact(value);
            if (exact == null) {
                throw new NumberFormatException("not finite");
            }
            return exact;
        }
        if (!value.isTextual()) {
            throw new NumberFormatException("not a number");
        }
        return Numbers.parse(value.asText().strip());
    }

    /** The exact number, within the limits a conversion takes ({@link Numbers}); else the record fails naming it. */
    private static BigDecimal number(String field, String path, JsonNode value) {
        try {
            return Numbers.checkLimits(decimal(value));
        } catch (NumberFormatException e) {
            throw new MappingException(field, path, quoted(value) + " is not a number");
        } catch (Numbers.LimitException e) {
            throw new MappingException(field, path, quoted(value) + " " + e.getMessage() + " (see Numbers in docs/spec.md)");
        }
    }

    /** A whole number as is; any other only with a declared {@code rounding} (UNNECESSARY: only whole numbers). */
    private static JsonNode integer(String field, String path, FieldRule rule, JsonNode value) {
        BigDecimal number = number(field, path, value);
        RoundingMode mode = rule.rounding();
        try {
            return Numbers.integerNode(mode == null ? number.toBigIntegerExact() : number.setScale(0, mode).toBigIntegerExact());
        } catch (ArithmeticException e) {
            throw new MappingException(field, path, quoted(value) + " is not a whole number"
                    + (mode == null ? " (declare a rounding mode to round it)" : " (rounding " + mode + ")"));
        }
    }

    /** The exact value; with {@code scale}, rounded once, from the exact value, by the rule's mode (default HALF_EVEN). */
    private static JsonNode decimal(String field, String path, FieldRule rule, JsonNode value) {
        BigDecimal number = number(field, path, value);
        if (rule.scale() == null) {
            return NODES.numberNode(number);
        }
        RoundingMode mode = rule.rounding() == null ? RoundingMode.HALF_EVEN : rule.rounding();
        try {
            return NODES.numberNode(number.setScale(rule.scale(), mode));
        } catch (ArithmeticException e) {
            throw new MappingException(field, path, quoted(value) + " has more than " + rule.scale()
                    + " digits after the decimal point (rounding " + mode + ")");
        }
    }

    /** A record's value in a reason: short, so a 1000-digit number does not fill the dead-letter queue. */
    private static String quoted(JsonNode value) {
        String text = value.asText();
        return "'" + (text.length() <= 64 ? text : text.substring(0, 40) + "... (" + text.length() + " characters)") + "'";
    }

    private static boolean bool(String field, String path, JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isNumber()) {
            // 1 and 0 by value, as the texts "1" and "0" are: 1.0 is true; 2 is not a boolean
            BigDecimal number = Numbers.exact(value);
            if (number != null && number.signum() == 0) {
                return false;
            }
            if (number != null && number.compareTo(BigDecimal.ONE) == 0) {
                return true;
            }
            throw new MappingException(field, path, quoted(value) + " is not a boolean");
        }
        String text = value.asText().strip().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes", "y", "1", "on" -> true;
            case "false", "no", "n", "0", "off" -> false;
            default -> throw new MappingException(field, path, "'" + value.asText() + "' is not a boolean");
        };
    }

    // --- dates and times: read strictly (a day that does not exist fails, none is moved), written exactly ---

    private ZoneId zone(FieldRule rule) {
        try {
            return rule.zone() == null ? ZoneOffset.UTC : zones.computeIfAbsent(rule.zone(), ZoneId::of);
        } catch (java.time.DateTimeException e) {
            throw new DateValueException("zone '" + rule.zone() + "' is not a time zone");
        }
    }

    private JsonNode datetime(String field, String path, FieldRule rule, JsonNode value) {
        Instant instant = read(field, path, rule, value, r -> r.instant(zone(rule)));
        String output = rule.output() == null ? "iso" : rule.output();
        try {
            EpochUnit unit = EpochUnit.of(output);
            if (unit != null) {
                BigInteger amount = unit.of(instant);
                return amount.bitLength() < Long.SIZE ? NODES.numberNode(amount.longValue()) : NODES.numberNode(amount);
            }
            return NODES.textNode(pattern(output).write(instant, zone(rule)));
        } catch (DateValueException e) {
            throw new MappingException(field, path, "'" + shown(value) + "' (" + instant + ") cannot be written as " + output
                    + ": " + e.getMessage());
        }
    }

    private JsonNode date(String field, String path, FieldRule rule, JsonNode value) {
        LocalDate day = read(field, path, rule, value, r -> r.date(zone(rule)));
        String output = rule.output() == null ? "iso" : rule.output();
        try {
            return NODES.textNode(pattern(output).write(day));
        } catch (DateValueException e) {
            throw new MappingException(field, path, "'" + shown(value) + "' (" + day + ") cannot be written as " + output
                    + ": " + e.getMessage());
        }
    }

    /** The value read in the rule's format and completed by {@code resolve}; any failure names value, format and why. */
    private <T> T read(String field, String path, FieldRule rule, JsonNode value, Function<Reading, T> resolve) {
        String format = rule.format() == null ? "iso" : rule.format();
        try {
            EpochUnit unit = EpochUnit.of(format);
            Reading reading = unit != null ? new Reading.Exact(unit.toInstant(epochAmount(value)))
                    : pattern(format).read(value.asText().strip());
            return resolve.apply(reading);
        } catch (DateValueException e) {
            throw new MappingException(field, path, "'" + shown(value) + "' is not a " + rule.type() + " in format " + format
                    + ": " + e.getMessage());
        }
    }

    /** A Unix timestamp exactly as written: JSON numbers arrive as exact decimals, texts are read as decimals. */
    private static BigDecimal epochAmount(JsonNode value) {
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isTextual()) {
            try {
                return new BigDecimal(value.asText().strip());
            } catch (NumberFormatException e) {
                throw new DateValueException("not a number");
            }
        }
        throw new DateValueException("not a number");
    }

    private DatePattern pattern(String pattern) {
        if (pattern.equals("iso")) {
            return DatePattern.ISO;
        }
        try {
            return patterns.computeIfAbsent(pattern, DatePattern::of);
        } catch (IllegalArgumentException e) {
            throw new DateValueException("'" + pattern + "' is not a date-time pattern (" + e.getMessage() + ")");
        }
    }

    /** A value for a reason: as read (a number in Jackson's short form), long texts cut. */
    private static String shown(JsonNode value) {
        String text = value.asText();
        return text.length() > 100 ? text.substring(0, 100) + "…" : text;
    }

    private static String render(String template, JsonNode source) {
        Matcher m = TEMPLATE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String text = textOf(Json.at(source, m.group(1)));
            m.appendReplacement(out, Matcher.quoteReplacement(text == null ? "" : text));
        }
        m.appendTail(out);
        return out.toString().strip();
    }

    /**
     * A scalar as template text, null when absent, null or not a scalar. A number in its digits as they arrived, in plain
     * notation ({@code 0.00000001}, not {@code 1E-8}); beyond the conversion limits in exponent notation, which is as exact.
     */
    private static String textOf(JsonNode value) {
        if (value == null || !value.isValueNode() || value.isNull()) {
            return null;
        }
        BigDecimal number = Numbers.exact(value);
        return number != null && Numbers.withinLimits(number) ? number.toPlainString() : value.asText();
    }

    private static void put(ObjectNode out, String field, JsonNode value) {
        String[] parts = PATHS.computeIfAbsent(field, f -> f.split("\\."));
        ObjectNode node = out;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode o ? o : node.putObject(parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }
}
