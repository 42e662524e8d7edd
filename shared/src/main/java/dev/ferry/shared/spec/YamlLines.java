package dev.ferry.shared.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where in a spec file a problem is: the line of a key given as a JSON Pointer (or of its nearest parent present),
 * Jackson's mapping errors turned into {@code file:line: path: problem}, and YAML syntax errors with their line and
 * column. Every spec and API problem a person reads is located here.
 */
final class YamlLines {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlLines() {
    }

    /**
     * A file that is not YAML at all: {@code file:line:column: not valid YAML: problem}, from the parser's own location
     * (SnakeYAML's message spans several lines and repeats the location; its first line says what is wrong).
     */
    static String syntaxError(String file, IOException e) {
        String where = file;
        String message = e.getMessage();
        if (e instanceof JsonProcessingException j) {
            JsonLocation loc = j.getLocation();
            if (loc != null && loc.getLineNr() > 0) {
                where += ":" + loc.getLineNr() + (loc.getColumnNr() > 0 ? ":" + loc.getColumnNr() : "");
            }
            message = j.getOriginalMessage();
        }
        // SnakeYAML's text: what it was doing, " in 'reader', line L, column C:", the line quoted, a "^" under the place,
        // then what it expected, likewise: keep the sentences, drop the quotes (the line and column say where).
        List<String> said = new java.util.ArrayList<>();
        boolean quoting = false;
        for (String l : message == null ? List.<String>of() : message.lines().toList()) {
            String t = l.strip();
            if (t.startsWith("in '")) {
                quoting = true;
            } else if (quoting) {
                quoting = !t.equals("^");
            } else if (!t.isEmpty() && !t.startsWith("at [Source")) {
                said.add(t);
            }
        }
        return where + ": not valid YAML: " + String.join("; ", said);
    }

    /** A mapping error as {@code file:line: path: problem}, the line being the offending key's where Jackson's is off. */
    static String describe(String file, String yaml, JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        JsonLocation loc = e.getLocation();
        int line = loc != null ? loc.getLineNr() : -1;
        if (e instanceof UnrecognizedPropertyException || e instanceof InvalidFormatException) {
            // Jackson reports an unknown key of a record where its mapping ends; find the key itself.
            line = lineOfKey(yaml, e.getPath()).orElse(line);
        }
        String where = file + (line > 0 ? ":" + line : "") + ": "
                + (path.isEmpty() ? "" : path + ": ");
        if (e instanceof UnrecognizedPropertyException u) {
            return where + "unknown key '" + u.getPropertyName() + "' (known keys: "
                    + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            return where + "must be one of " + Options.spellings(f.getTargetType()).stream().sorted().toList()
                    + ", got '" + f.getValue() + "'";
        }
        String message = e.getOriginalMessage();
        return where + (message == null ? "wrong type" : message.lines().findFirst().orElse("wrong type"));
    }

    private static Optional<Integer> lineOfKey(String yaml, List<JsonMappingException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            pointer.append('/').append(ref.getFieldName() != null
                    ? ref.getFieldName().replace("~", "~0").replace("/", "~1") : Integer.toString(ref.getIndex()));
        }
        return lineOfPointer(yaml, pointer.toString());
    }

    /** The line of the key at {@code pointer}, or of its nearest parent key that is there. */
    static Optional<Integer> lineOf(String yaml, String pointer) {
        for (String at = pointer; !at.isEmpty(); at = at.substring(0, at.lastIndexOf('/'))) {
            Optional<Integer> line = lineOfPointer(yaml, at);
            if (line.isPresent()) {
                return line;
            }
        }
        return Optional.empty();
    }

    static String lineSuffix(String yaml, String pointer) {
        return yaml == null ? "" : lineOf(yaml, pointer).map(line -> ":" + line).orElse("");
    }

    private static Optional<Integer> lineOfPointer(String yaml, String wanted) {
        try (JsonParser parser = FACTORY.createParser(yaml)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME && parser.getParsingContext().pathAsPointer().toString().equals(wanted)) {
                    return Optional.of(parser.currentTokenLocation().getLineNr());
                }
            }
        } catch (IOException ignored) {
            // fall back to Jackson's location
        }
        return Optional.empty();
    }

    /**
     * The line of the key a dotted problem path names ({@code mapping.billing.city.from}, {@code examples[1].input}),
     * or of its nearest parent present. A dotted path is ambiguous where keys hold dots (mapping fields such as
     * {@code billing.city}): at each step the longest key the document has is taken.
     */
    static String lineSuffixOfPath(String yaml, String path) {
        if (yaml == null || path.isEmpty()) {
            return "";
        }
        try {
            com.fasterxml.jackson.databind.JsonNode node = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml);
            List<String> parts = List.of(path.replaceAll("\\[(\\d+)]", ".$1").split("\\."));
            StringBuilder pointer = new StringBuilder();
            for (int i = 0; i < parts.size() && node != null && node.isContainerNode(); ) {
                int take = parts.size() - i;
                while (take > 1 && !node.has(String.join(".", parts.subList(i, i + take)))) {
                    take--;
                }
                String key = String.join(".", parts.subList(i, i + take));
                node = node.isArray() && !key.isEmpty() && key.chars().allMatch(Character::isDigit)
                        ? node.get(Integer.parseInt(key)) : node.get(key);
                pointer.append('/').append(key.replace("~", "~0").replace("/", "~1"));
                i += take;
            }
            return lineSuffix(yaml, pointer.toString());
        } catch (IOException | RuntimeException e) {
            return ""; // not parseable here: the problem is reported without its line
        }
    }
}
