package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.mapping.FieldMapper;
import dev.ferry.shared.spec.ApiRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code ferry new <name>}: writes {@code integrations/<name>.yaml} wired to declared APIs, with a mapping skeleton
 * inferred from a sample (paths, types, dates as Unix seconds/millis or ISO), the destination schema's required fields
 * marked, and first examples built from the sample; then prints what to edit next, each with its file and line.
 */
@Command(name = "new", mixinStandardHelpOptions = true, header = "Write a new integration from a sample and a destination schema.",
        description = {"Writes integrations/NAME.yaml: source and destination wired to declared APIs (apis/), a mapping skeleton"
                + " inferred from --sample (a source record, a page of them, or an array), the fields --to-schema requires"
                + " marked required, and two examples built from the sample (one that maps, one that must fail).",
            "Then prints what to edit next, as file:line: what. Exit 2 on unusable input (unknown API, unreadable sample,"
                + " a schema that is not JSON Schema)."})
final class NewCommand extends Base {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    @Mixin
    WorkspaceOptions workspace;

    @Parameters(index = "0", paramLabel = "NAME", description = "The integration's name: lower-case letters, digits and '-'.")
    String name;

    @Option(names = "--api", paramLabel = "API", description = "The declared API (apis/API.yaml) records are read from.")
    String api;

    @Option(names = "--list", paramLabel = "PATH", description = "The source's list endpoint (a path relative to --api, or a URL).")
    String list;

    @Option(names = "--sample", paramLabel = "FILE", description = "A JSON response of the source: one record, a page, or an array.")
    Path sample;

    @Option(names = "--to-api", paramLabel = "API", description = "The declared API (apis/API.yaml) records are delivered to.")
    String toApi;

    @Option(names = "--to-url", paramLabel = "PATH", description = "Where each record is sent (relative to --to-api, or a URL);"
            + " may hold {recordId}.")
    String toUrl;

    @Option(names = "--to-schema", paramLabel = "FILE", description = "The destination record's JSON Schema: its properties become"
            + " the mapping's fields, its required ones are marked.")
    Path toSchema;

    @Option(names = "--force", description = "Overwrite an existing integrations/NAME.yaml.")
    boolean force;

    /** One destination field of the skeleton: matched to a source path, or a gap to fill. */
    private record Field(String name, String from, String type, String format, boolean required, List<String> candidates) {
    }

    @Override
    int run() throws IOException {
        quietCoreLogs();
        if (!NAME.matcher(name).matches()) {
            throw CliException.usage("'" + name + "' is not a name: lower-case letters, digits and '-', starting with a letter");
        }
        Path root = workspace.root();
        Path target = root.resolve("integrations").resolve(name + ".yaml");
        if (Files.exists(target) && !force) {
            throw CliException.usage("integrations/" + name + ".yaml exists (--force overwrites it)");
        }
        ApiRegistry apis = ApiRegistry.load(new SpecLoader(key -> Optional.ofNullable(workspace.settings().get(key)), true),
                Files.isDirectory(root.resolve("apis")) ? List.of(root.resolve("apis")) : List.of(), new ArrayList<>());
        for (String declared : new String[] {api, toApi}) {
            if (declared != null && apis.find(declared).isEmpty()) {
                throw CliException.usage("unknown API '" + declared + "' (declared in apis/: "
                        + (apis.names().isEmpty() ? "none" : String.join(", ", apis.names())) + ")");
            }
        }
        Sample s = sample == null ? new Sample(null, List.of()) : readSample(sample);
        JsonNode schema = toSchema == null ? null : readSchema(toSchema);
        JsonNode record = s.records().isEmpty() ? null : s.records().getFirst();
        Map<String, String> leaves = new LinkedHashMap<>();
        if (record != null) {
            leaves(record, "", leaves);
        }
        List<Field> fields = skeleton(schema, record, leaves);
        String recordId = recordId(leaves);
        String version = leaves.keySet().stream().filter(p -> last(p).matches("(?i)updated_?at|modified(_?at)?|last_?modified|version"))
                .findFirst().orElse(null);

        String probe = yaml(fields, s.recordsPath(), recordId, version, null, List.of(), true);
        JsonNode output = null;
        String mapFailure = null;
        if (record != null) {
            try {
                IntegrationSpec spec = new SpecLoader(k -> Optional.empty(), true).load(name + ".yaml", probe);
                output = new FieldMapper().map(spec, record, dev.ferry.shared.mapping.Lookups.NONE);
            } catch (RuntimeException e) {
                mapFailure = e.getMessage().lines().findFirst().orElse("");
            }
        }
        List<String> examples = examples(fields, record, output);
        String text = yaml(fields, s.recordsPath(), recordId, version, schema, examples, false);
        Files.createDirectories(target.getParent());
        Files.writeString(target, text, StandardCharsets.UTF_8);
        printNext(text, fields, record, mapFailure);
        return Ferry.OK;
    }

    private record Sample(String recordsPath, List<JsonNode> records) {
    }

    private Sample readSample(Path file) {
        JsonNode tree = readJson(file, "--sample");
        if (tree.isArray()) {
            return new Sample(null, objects(tree, file));
        }
        if (!tree.isObject()) {
            throw CliException.usage(file + ": --sample must be a JSON object (a record or a page) or an array of records");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isArray() && !e.getValue().isEmpty() && e.getValue().get(0).isObject()) {
                return new Sample("/" + e.getKey(), objects(e.getValue(), file)); // a page: its records are this array
            }
        }
        return new Sample(null, List.of(tree));
    }

    private static List<JsonNode> objects(JsonNode array, Path file) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        if (out.isEmpty() || !out.getFirst().isObject()) {
            throw CliException.usage(file + ": --sample holds no records (an array of JSON objects)");
        }
        return out;
    }

    private static JsonNode readJson(Path file, String option) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CliException.usage(file + ": " + option + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? ":" + j.getLocation().getLineNr() : "";
            throw CliException.usage(file + where + ": " + option + " is not JSON: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())
                    .lines().findFirst().orElse(""));
        }
    }

    /** A destination schema must be a JSON Schema (checked against the 2020-12 meta-schema) describing an object. */
    private static JsonNode readSchema(Path file) {
        JsonNode schema = readJson(file, "--to-schema");
        var meta = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        Set<ValidationMessage> problems = meta.validate(Json.write(schema), InputFormat.JSON);
        if (!schema.isObject() || !problems.isEmpty()) {
            throw CliException.usage(file + ": --to-schema is not a JSON Schema: " + (schema.isObject()
                    ? problems.iterator().next().getMessage() : "a schema is a JSON object, got " + schema.getNodeType()));
        }
        if (!schema.path("properties").isObject() || schema.path("properties").isEmpty()) {
            throw CliException.usage(file + ": --to-schema describes no fields: it needs \"properties\" (the destination record's fields)");
        }
        return schema;
    }

    /** Every leaf of the sample record, by JSON Pointer, with a short kind (string, integer, ...). */
    private static void leaves(JsonNode node, String pointer, Map<String, String> out) {
        if (node.isObject() && !node.isEmpty()) {
            node.fields().forEachRemaining(e -> leaves(e.getValue(), pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), out));
        } else if (!pointer.isEmpty()) {
            out.put(pointer, node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
    }

    private static String last(String pointer) {
        return pointer.substring(pointer.lastIndexOf('/') + 1);
    }

    private static String normal(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static String recordId(Map<String, String> leaves) {
        for (String p : leaves.keySet()) {
            if (p.equals("/id")) {
                return p;
            }
        }
        return leaves.keySet().stream().filter(p -> normal(last(p)).endsWith("id")).findFirst()
                .orElse(leaves.isEmpty() ? "/id" : leaves.keySet().iterator().next());
    }

    private List<Field> skeleton(JsonNode schema, JsonNode record, Map<String, String> leaves) {
        List<Field> fields = new ArrayList<>();
        if (schema == null) {
            for (String p : leaves.keySet()) {
                String out = p.substring(1).replace("/", ".").replace("~1", "/").replace("~0", "~");
                fields.add(field(out, p, null, record, false, List.of()));
            }
            return fields;
        }
        Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        schema.path("properties").fields().forEachRemaining(e -> {
            String dest = e.getKey();
            List<String> exact = leaves.keySet().stream().filter(p -> normal(last(p)).equals(normal(dest))).toList();
            List<String> close = leaves.keySet().stream().filter(p -> {
                String a = normal(last(p));
                String b = normal(dest);
                return !a.isEmpty() && !a.equals(b) && (b.contains(a) || a.contains(b));
            }).toList();
            String from = !exact.isEmpty() ? exact.getFirst() : close.size() == 1 ? close.getFirst() : null;
            List<String> candidates = from != null ? List.of() : leaves.keySet().stream()
                    .filter(p -> fields.stream().noneMatch(f -> p.equals(f.from()))).toList();
            fields.add(field(dest, from, e.getValue(), record, required.contains(dest), candidates));
        });
        return fields;
    }

    /** Types from the destination schema where it says, else from the sample value; dates by shape or magnitude. */
    private static Field field(String dest, String from, JsonNode property, JsonNode record, boolean required, List<String> candidates) {
        JsonNode value = from == null || record == null ? null : record.at(from);
        String format = property == null ? null : property.path("format").asText(null);
        String type = property == null ? null : property.path("type").isTextual() ? property.path("type").asText() : null;
        String ferryType = null;
        String readAs = null;
        boolean wantsDate = "date-time".equals(format) || "date".equals(format);
        if (value != null && value.isIntegralNumber() && (wantsDate || normal(dest).matches(".*(at|time|date|since)$"))) {
            long n = value.asLong();
            readAs = n >= 100_000_000_000L ? "unix-millis" : "unix-seconds"; // 10^11 s is the year 5138; ms by then
            ferryType = "date".equals(format) ? "date" : "datetime";
        } else if (value != null && value.isTextual() && isIsoDateTime(value.asText())) {
            ferryType = "date".equals(format) ? "date" : "datetime";
        } else if (value != null && value.isTextual() && isIsoDate(value.asText())) {
            ferryType = "date";
        } else if ("integer".equals(type)) {
            ferryType = "integer";
        } else if ("number".equals(type)) {
            ferryType = "decimal";
        } else if ("boolean".equals(type)) {
            ferryType = "boolean";
        } else if ("string".equals(type) && value != null && value.isNumber()) {
            ferryType = "string";
        }
        return new Field(dest, from, ferryType, readAs, required, candidates);
    }

    private static boolean isIsoDateTime(String text) {
        try {
            java.time.OffsetDateTime.parse(text);
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    private static boolean isIsoDate(String text) {
        try {
            java.time.LocalDate.parse(text);
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    private static String rule(Field f) {
        StringBuilder r = new StringBuilder("{ from: ").append(f.from());
        if (f.type() != null) {
            r.append(", type: ").append(f.type());
        }
        if (f.format() != null) {
            r.append(", format: ").append(f.format());
        }
        if (f.required()) {
            r.append(", required: true");
        }
        return r.append(" }").toString();
    }

    private static String key(String field) {
        return field.matches("[A-Za-z_][A-Za-z0-9_.-]*") ? field : Json.write(Json.MAPPER.getNodeFactory().textNode(field));
    }

    private String yaml(List<Field> fields, String recordsPath, String recordId, String version, JsonNode schema,
                        List<String> examples, boolean probe) {
        StringBuilder y = new StringBuilder();
        if (!probe) {
            y.append("# ").append(name).append(": written by `ferry new`. Fill what the hints say, then: ferry validate, ferry test,")
                    .append(" ferry plan.\n");
        }
        y.append("name: ").append(name).append('\n');
        y.append("description: ").append(name.replace('-', ' ')).append('\n');
        y.append("owner: CHANGE-ME\n\n");
        y.append("source:\n");
        y.append("  recordId: ").append(recordId).append('\n');
        if (version != null) {
            y.append("  version: ").append(version).append("        # part of the idempotency key: a changed record is delivered again\n");
        }
        String listUrl = list != null ? list : api != null ? "/CHANGE-ME" : "https://source.example.com/CHANGE-ME";
        if (api != null && !probe) {
            y.append("  api: ").append(api).append("        # apis/").append(api).append(".yaml: base URL, auth, limits, paging\n");
        }
        y.append("  list: { url: \"").append(probe ? "https://probe.invalid/x" : listUrl).append('"')
                .append(recordsPath == null ? "" : ", recordsPath: " + recordsPath).append(" }\n");
        y.append("schedule: rate(15 minutes)\n\n");
        y.append("mapping:\n");
        for (Field f : fields) {
            if (f.from() != null) {
                y.append("  ").append(key(f.name())).append(": ").append(rule(f)).append('\n');
            } else if (!probe) {
                y.append("  # TODO ").append(f.name()).append(": { from: /... }   ").append(f.required() ? "required by the destination; " : "")
                        .append("no sample field matched").append(f.candidates().isEmpty() ? "" : " (unmapped: "
                                + String.join(", ", f.candidates()) + ")").append('\n');
            }
        }
        if (fields.isEmpty()) {
            y.append(probe ? "  id: { from: /id }\n" : "  # TODO: one rule per destination field, e.g. email: { from: /email }\n");
        }
        y.append("\ndestination:\n");
        y.append("  method: POST\n");
        String dest = toUrl != null ? toUrl : toApi != null ? "/CHANGE-ME/{recordId}" : "https://destination.example.com/CHANGE-ME/{recordId}";
        if (toApi != null && !probe) {
            y.append("  api: ").append(toApi).append("        # apis/").append(toApi).append(".yaml\n");
        }
        y.append("  url: \"").append(probe ? "https://probe.invalid/{recordId}" : dest).append("\"\n");
        if (schema != null && !probe) {
            y.append("  schema:                     # from ").append(toSchema.getFileName()).append(": every record is checked before it is sent\n");
            for (String line : yamlBlock(schema).split("\n")) {
                y.append("    ").append(line).append('\n');
            }
        }
        if (!examples.isEmpty()) {
            y.append("\nexamples:\n");
            examples.forEach(e -> y.append(e).append('\n'));
        }
        return y.toString();
    }

    private static String yamlBlock(JsonNode node) {
        try {
            ObjectMapper yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                    .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER);
            return yaml.writeValueAsString(node).stripTrailing();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One example from the sample as mapped now, and one that must fail: the sample without a required field. */
    private static List<String> examples(List<Field> fields, JsonNode record, JsonNode output) {
        List<String> out = new ArrayList<>();
        if (record == null || output == null) {
            return out;
        }
        out.add("  - name: the sample record\n    input: " + Json.write(record) + "\n    output: " + Json.write(output));
        fields.stream().filter(f -> f.required() && f.from() != null).findFirst().ifPresent(f -> {
            JsonNode without = record.deepCopy();
            String parent = f.from().substring(0, f.from().lastIndexOf('/'));
            JsonNode holder = parent.isEmpty() ? without : without.at(parent);
            if (holder instanceof ObjectNode o) {
                o.remove(last(f.from()).replace("~1", "/").replace("~0", "~"));
                out.add("  - name: a record without " + f.from() + " is refused\n    input: " + Json.write(without)
                        + "\n    error: \"field '" + f.name() + "' (from " + f.from() + "): required but absent\"");
            }
        });
        return out;
    }

    private void printNext(String text, List<Field> fields, JsonNode record, String mapFailure) {
        String file = "integrations/" + name + ".yaml";
        Style s = style();
        out().println(s.ok("wrote ") + file + " (" + fields.stream().filter(f -> f.from() != null).count() + " fields mapped from the sample"
                + (fields.stream().anyMatch(f -> f.from() == null) ? ", " + fields.stream().filter(f -> f.from() == null).count() + " to fill" : "")
                + ")");
        out().println("Next, edit " + file + ":");
        List<String> lines = List.of(text.split("\n", -1));
        for (Field f : fields) {
            if (f.from() == null) {
                out().println("  " + file + ":" + lineOf(lines, "# TODO " + f.name() + ":") + ": mapping." + f.name() + ": "
                        + (f.required() ? "required by the destination schema; " : "") + "no sample field matched: replace the TODO with"
                        + " a rule (" + f.name() + ": { from: /path }) and add the field to the first example's output");
            }
        }
        if (fields.isEmpty()) {
            out().println("  " + file + ":" + lineOf(lines, "mapping:") + ": mapping: write one rule per destination field");
        }
        if (list == null) {
            out().println("  " + file + ":" + lineOf(lines, "  list:") + ": source.list.url: the endpoint that lists records"
                    + (api != null ? " (a path under API " + api + ")" : " (or --api to use a declared API)"));
        }
        if (toUrl == null) {
            out().println("  " + file + ":" + lineOf(lines, "  url:") + ": destination.url: where each record goes"
                    + (toApi != null ? " (a path under API " + toApi + ")" : " (or --to-api to use a declared API)"));
        }
        out().println("  " + file + ":" + lineOf(lines, "owner:") + ": owner: the team that answers for this integration");
        if (record == null) {
            out().println("  " + file + ": examples: none yet (give --sample, or write one that maps and one that must fail)");
        } else if (mapFailure != null) {
            out().println("  " + file + ": examples: the sample did not map (" + mapFailure + "): write the first example by hand");
        }
        out().println("Then:  ./ferry validate " + file + "   ./ferry test " + name + "   ./ferry plan " + name + " --limit 20");
    }

    private static int lineOf(List<String> lines, String start) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).stripLeading().startsWith(start.strip())) {
                return i + 1;
            }
        }
        return 1;
    }
}
