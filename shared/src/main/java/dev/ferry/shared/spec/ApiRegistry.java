package dev.ferry.shared.spec;


import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The APIs this deployment declares ({@code apis/*.yaml}), loaded and checked once at start, before the
 * integrations that refer to them. On Lambda they come from the function's classpath ({@code ferry/apis/index.txt},
 * written by the build); locally from one or more directories.
 */
public final class ApiRegistry {

    public static final ApiRegistry EMPTY = new ApiRegistry(Map.of());

    /** Each API with the file that declares it. */
    private final Map<String, Declared> byName;

    private record Declared(ApiSpec api, String file) {
    }

    private ApiRegistry(Map<String, Declared> byName) {
        this.byName = java.util.Collections.unmodifiableMap(new TreeMap<>(byName));
    }

    public Optional<ApiSpec> find(String name) {
        return Optional.ofNullable(name).map(byName::get).map(Declared::api);
    }

    public Collection<ApiSpec> all() {
        return byName.values().stream().map(Declared::api).toList();
    }

    public Set<String> names() {
        return byName.keySet();
    }

    /** Where an API is declared, for messages ("apis/billing.yaml"). */
    public String fileOf(String name) {
        Declared d = byName.get(name);
        return d == null ? "apis/" + name + ".yaml" : d.file();
    }

    /** Declared APIs no integration refers to: worth a warning (a stale declaration, or a typo in a reference). */
    public List<String> unused(Collection<IntegrationSpec> integrations) {
        Set<String> used = new HashSet<>();
        for (IntegrationSpec spec : integrations) {
            if (spec.source() != null && spec.source().api() != null) used.add(spec.source().api());
            if (spec.destination() != null && spec.destination().api() != null) used.add(spec.destination().api());
            spec.lookups().values().stream().filter(l -> l != null && l.api() != null).forEach(l -> used.add(l.api()));
        }
        return byName.entrySet().stream().filter(e -> !used.contains(e.getKey()))
                .map(e -> e.getValue().file() + ": API '" + e.getKey() + "' is declared but no integration refers to it").toList();
    }

    /** Loads from the given directories when any are given, else from the classpath. Problems name file and line. */
    public static ApiRegistry load(SpecLoader loader, List<Path> directories) {
        List<String> problems = new ArrayList<>();
        ApiRegistry registry = load(loader, directories, problems);
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return registry;
    }

    /**
     * The APIs that load, with every other file's problems added to {@code problems}: for tools that report all
     * problems at once ({@code ferry validate}) or keep going with the good ones ({@code ferry dev}).
     */
    public static ApiRegistry load(SpecLoader loader, List<Path> directories, List<String> problems) {
        return fromSources(loader, SpecFiles.read("apis", directories, false, problems), problems);
    }

    /** As {@link #load(SpecLoader, List, List)}, from files already read. */
    static ApiRegistry fromSources(SpecLoader loader, List<SpecFiles.Source> sources, List<String> problems) {
        Map<String, Declared> apis = new TreeMap<>();
        for (SpecFiles.Source source : sources) {
            collect(loader, source.file(), source.text(), apis, problems);
        }
        return new ApiRegistry(apis);
    }

    /** These APIs plus the named ones from {@code previous} (the last good versions of files that fail now). */
    ApiRegistry with(ApiRegistry previous, Collection<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        Map<String, Declared> merged = new TreeMap<>(byName);
        names.forEach(n -> merged.putIfAbsent(n, previous.byName.get(n)));
        merged.values().removeIf(java.util.Objects::isNull);
        return new ApiRegistry(merged);
    }

    private static void collect(SpecLoader loader, String file, String text, Map<String, Declared> apis, List<String> problems) {
        try {
            ApiSpec api = loader.loadApi(file, text);
            String expected = SpecFiles.expectedName(file);
            if (!expected.equals(api.name())) {
                problems.add(file + ":" + YamlLines.lineOf(text, "/name").orElse(1) + ": name: '" + api.name()
                        + "' must match the file name '" + expected + "'");
            }
            Declared before = apis.putIfAbsent(api.name(), new Declared(api, file));
            if (before != null) {
                problems.add(file + ": name: API '" + api.name() + "' is declared twice (also in " + before.file() + ")");
            }
        } catch (SpecException e) {
            problems.addAll(e.problems());
        }
    }
}
