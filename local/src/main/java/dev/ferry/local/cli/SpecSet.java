package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.spec.ApiRegistry;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecException;
import dev.ferry.shared.spec.SpecLoader;
import dev.ferry.shared.spec.SpecSchema;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The repository's specs as the functions would load them at start, file by file: the good ones, and every problem
 * of the others at once ({@code file:line: path: problem}), plus the editor schemas' ahead-of-time check and the
 * warnings (no examples, unused APIs, static credentials without rotation). Two groups: {@code apis/} +
 * {@code integrations/} (what ships), and {@code sandbox/} (local-only demo, always in local mode).
 */
final class SpecSet {

    /** One directory pair loaded together: integrations refer to the APIs beside them. */
    record Group(String name, Path apis, Path integrations, boolean local) {
    }

    /** A spec that loaded, with its file and group. */
    record Loaded(IntegrationSpec spec, Path file, Group group) {
    }

    /** Settings the sandbox's specs need; {@code ferry dev} sets the real ones when it starts the demo APIs. */
    static final Map<String, String> SANDBOX_DEFAULTS = Map.of("sandbox.crm.url", "http://127.0.0.1:8781",
            "sandbox.billing.url", "http://127.0.0.1:8782");

    private static final JsonSchema INTEGRATION_SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(SpecSchema.generate());
    private static final JsonSchema API_SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(SpecSchema.generateApi());

    final Path root;
    final Map<String, Loaded> specs = new LinkedHashMap<>();
    final Map<Group, ApiRegistry> apis = new LinkedHashMap<>();
    final List<String> errors = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    /** Every file looked at, for the summary. */
    final List<Path> files = new ArrayList<>();
    private final Map<String, String> settings;

    private SpecSet(Path root, Map<String, String> settings) {
        this.root = root;
        this.settings = settings;
    }

    static List<Group> groups(Path root, boolean local) {
        List<Group> groups = new ArrayList<>();
        groups.add(new Group("integrations", root.resolve("apis"), root.resolve("integrations"), local));
        if (Files.isDirectory(root.resolve("sandbox/integrations"))) {
            groups.add(new Group("sandbox", root.resolve("sandbox/apis"), root.resolve("sandbox/integrations"), true));
        }
        return groups;
    }

    static SpecSet load(Path root, Map<String, String> settings, boolean local) {
        SpecSet set = new SpecSet(root, settings);
        for (Group group : groups(root, local)) {
            set.loadGroup(group, null);
        }
        set.checkNamesAcrossGroups();
        return set;
    }

    /** Only the named files (integration or API files), each with the APIs beside it. */
    static SpecSet loadFiles(Path root, Map<String, String> settings, boolean local, List<Path> files) {
        SpecSet set = new SpecSet(root, settings);
        for (Group group : groups(root, local)) {
            List<Path> mine = files.stream().map(f -> f.toAbsolutePath().normalize())
                    .filter(f -> f.getParent() != null && (f.getParent().equals(group.integrations()) || f.getParent().equals(group.apis())))
                    .toList();
            if (!mine.isEmpty()) {
                set.loadGroup(group, mine);
            }
        }
        for (Path f : files) {
            Path abs = f.toAbsolutePath().normalize();
            if (!Files.isRegularFile(abs)) {
                set.errors.add(f + ": no such file");
            } else if (!set.files.contains(abs)) {
                set.errors.add(f + ": not a spec of this repository (integrations/*.yaml, apis/*.yaml or sandbox/...)");
            }
        }
        return set;
    }

    private Function<String, Optional<String>> lookup(Group group) {
        FerryConfig env = FerryConfig.fromEnvironment();
        return key -> Optional.ofNullable(settings.get(key)).or(() -> env.get(key))
                .or(() -> group.name().equals("sandbox") ? Optional.ofNullable(SANDBOX_DEFAULTS.get(key)) : Optional.empty());
    }

    private void loadGroup(Group group, List<Path> only) {
        SpecLoader loader = new SpecLoader(lookup(group), group.local());
        List<Path> apiFiles = yamlFiles(group.apis());
        List<String> apiProblems = new ArrayList<>();
        ApiRegistry registry = ApiRegistry.load(loader, Files.isDirectory(group.apis()) ? List.of(group.apis()) : List.of(), apiProblems);
        apis.put(group, registry);
        for (Path file : apiFiles) {
            if (only == null || only.contains(file)) {
                files.add(file);
                schemaCheck(file, API_SCHEMA);
            }
        }
        for (String problem : apiProblems) {
            if (only == null || only.stream().anyMatch(f -> problem.startsWith(f.toString()))) {
                errors.add(relative(problem));
            }
        }
        SpecLoader withApis = loader.withApis(registry);
        List<IntegrationSpec> loaded = new ArrayList<>();
        for (Path file : yamlFiles(group.integrations())) {
            if (only != null && !only.contains(file)) {
                continue;
            }
            files.add(file);
            schemaCheck(file, INTEGRATION_SCHEMA);
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                errors.add(relative(file) + ": cannot be read: " + e.getMessage());
                continue;
            }
            String shown = relative(file);
            try {
                IntegrationSpec spec = withApis.load(shown, text);
                String expected = file.getFileName().toString().replaceFirst("\\.yaml$", "");
                if (!expected.equals(spec.name())) {
                    errors.add(shown + ":" + SpecLoader.lineOf(text, "/name").orElse(1) + ": name: '" + spec.name()
                            + "' must match the file name '" + expected + "'");
                    continue;
                }
                if (specs.containsKey(spec.name())) {
                    errors.add(shown + ": name: '" + spec.name() + "' is also in " + relative(specs.get(spec.name()).file()));
                    continue;
                }
                if (spec.examples().isEmpty()) {
                    warnings.add(shown + ": examples: none, so nothing checks the mapping: add one that maps and one that must"
                            + " fail (docs/spec.md#examples-the-data-map-as-a-qa-contract)");
                }
                specs.put(spec.name(), new Loaded(spec, file, group));
                loaded.add(spec);
            } catch (SpecException e) {
                e.problems().forEach(p -> errors.add(relative(p)));
            }
        }
        warnings.addAll(loader.warnings().stream().map(this::relative).toList());
        warnings.addAll(withApis.warnings().stream().map(this::relative).toList());
        if (only == null) {
            registry.unused(loaded).stream().map(this::relative).forEach(warnings::add);
        }
        dedupeSchemaProblems();
    }

    private void checkNamesAcrossGroups() {
        Set<String> apiNames = new HashSet<>();
        for (var e : apis.entrySet()) {
            for (String name : e.getValue().names()) {
                if (!apiNames.add(name)) {
                    errors.add(relative(e.getValue().fileOf(name)) + ": name: API '" + name + "' is declared in two places");
                }
            }
        }
    }

    /** The editor schema (docs/schema/*.json) catches misspelled keys and wrong value types before anything runs. */
    private void schemaCheck(Path file, JsonSchema schema) {
        String text;
        JsonNode tree;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
            tree = new YAMLMapper().readTree(text);
        } catch (IOException e) {
            return; // not readable or not YAML: the loader says so with the line
        }
        if (tree == null || !tree.isObject()) {
            return;
        }
        for (ValidationMessage m : schema.validate(tree)) {
            String pointer = m.getInstanceLocation().toString().replaceFirst("^\\$", "").replace('.', '/')
                    .replaceAll("\\[(\\d+)]", "/$1");
            String property = m.getProperty();
            if (property != null && m.getType().equals("additionalProperties")) {
                pointer = pointer + "/" + property;
            }
            String path = pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.');
            String message = m.getMessage().replaceFirst("^\\$[^:]*: ", "");
            schemaProblems.add(new SchemaProblem(relative(file), SpecLoader.lineOf(text, pointer).orElse(0), path, message));
        }
    }

    private record SchemaProblem(String file, int line, String path, String message) {
    }

    private final List<SchemaProblem> schemaProblems = new ArrayList<>();

    /** A schema finding on a line the loader already reported says the same thing twice: keep the loader's. */
    private void dedupeSchemaProblems() {
        for (SchemaProblem p : schemaProblems) {
            String prefix = p.file() + ":" + p.line() + ":";
            if (errors.stream().noneMatch(e -> e.startsWith(prefix))) {
                errors.add(p.file() + (p.line() > 0 ? ":" + p.line() : "") + ": " + (p.path().isEmpty() ? "" : p.path() + ": ")
                        + p.message() + " (docs/schema)");
            }
        }
        schemaProblems.clear();
    }

    private static List<Path> yamlFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).map(f -> f.toAbsolutePath().normalize()).sorted().toList();
        } catch (IOException e) {
            throw CliException.problem(dir + ": cannot be listed: " + e.getMessage());
        }
    }

    /** Problems name files relative to the repository, as a person types them. */
    String relative(String problem) {
        String prefix = root.toString() + java.io.File.separator;
        return problem.replace(prefix, "");
    }

    String relative(Path file) {
        return relative(file.toAbsolutePath().normalize().toString());
    }

    /** The loaded integration, or a usage error naming the known ones (and the problem, if it failed to load). */
    Loaded require(String name) {
        Loaded loaded = specs.get(name);
        if (loaded != null) {
            return loaded;
        }
        List<String> own = errors.stream().filter(e -> e.contains("/" + name + ".yaml")).toList();
        if (!own.isEmpty()) {
            throw CliException.problem("integration '" + name + "' does not load: " + String.join("; ", own));
        }
        throw CliException.usage("unknown integration '" + name + "' (known: " + (specs.isEmpty() ? "none" : String.join(", ", specs.keySet()))
                + (errors.isEmpty() ? "" : "; " + errors.size() + " spec problems keep others from loading: ferry validate") + ")");
    }

    /** A registry of the group's good specs, for the runtime (plan, backfill, dev). */
    IntegrationRegistry registry(Group group) {
        return new IntegrationRegistry(specs.values().stream().filter(l -> l.group().equals(group)).map(Loaded::spec).toList(),
                apis.get(group));
    }
}
