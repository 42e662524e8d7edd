package dev.ferry.shared.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What loading spec directories gave, file by file: a registry of the integrations (and APIs) that load, and every other
 * file's problems ({@code file:line: path: problem}). For a runner that keeps going with the good specs — {@code ferry dev},
 * which keeps running while one file is being edited — where a deployed function stops at the first bad file
 * ({@link IntegrationRegistry#load(SpecLoader, List, List)}).
 *
 * @param registry the integrations and APIs that loaded (plus, after {@link #keepingLastGood}, the kept ones)
 * @param problems each failing file (as problems name it) and its problems, in file order
 * @param kept     integrations and APIs whose file fails now but whose last good version was kept running, by name
 */
public record SpecLoad(IntegrationRegistry registry, Map<String, List<String>> problems, Set<String> kept) {

    public SpecLoad {
        problems = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(problems));
        kept = java.util.Collections.unmodifiableSet(new TreeSet<>(kept));
    }

    /** True when every file loaded. */
    public boolean clean() {
        return problems.isEmpty();
    }

    /** Every problem of every file, one line each. */
    public List<String> allProblems() {
        return problems.values().stream().flatMap(List::stream).toList();
    }

    /** As {@link IntegrationRegistry#load(SpecLoader, List)}, keeping the good files: the APIs from the {@code apis/} beside each directory. */
    public static SpecLoad load(SpecLoader loader, List<Path> directories) {
        return load(loader, IntegrationRegistry.apiDirectoriesBeside(directories), directories);
    }

    /**
     * Every API file, then every integration file, each on its own: a file that fails is left out with its problems (an
     * integration referring to an API whose file fails fails too, saying so), the others load. A directory that does not
     * exist is still a configuration error, as at a function's start.
     */
    public static SpecLoad load(SpecLoader loader, List<Path> apiDirectories, List<Path> directories) {
        List<String> flat = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<SpecFiles.Source> apiSources = SpecFiles.read("apis", apiDirectories, false, flat);
        apiSources.forEach(s -> files.add(s.file()));
        ApiRegistry apis = ApiRegistry.fromSources(loader, apiSources, flat);
        List<IntegrationSpec> specs = new ArrayList<>();
        Map<String, String> fileOf = new TreeMap<>();
        for (SpecFiles.Source source : SpecFiles.read("integrations", directories, true, flat)) {
            files.add(source.file());
            List<String> own = new ArrayList<>();
            IntegrationSpec spec = IntegrationRegistry.collect(loader.withApis(apis), source.file(), source.text(), own);
            if (spec != null && own.isEmpty() && fileOf.containsKey(spec.name())) {
                own.add(source.file() + ": name: '" + spec.name() + "' is also in " + fileOf.get(spec.name()));
            }
            if (spec != null && own.isEmpty()) {
                fileOf.put(spec.name(), source.file());
                specs.add(spec);
            }
            flat.addAll(own);
        }
        return new SpecLoad(new IntegrationRegistry(specs, apis), byFile(flat, files), Set.of());
    }

    /**
     * This load with the last good version of every integration and API whose file fails now taken from
     * {@code previous}: one file being edited does not take its integration away. A file that was deleted takes its
     * integration with it (it has no problems, so nothing is kept).
     */
    public SpecLoad keepingLastGood(IntegrationRegistry previous) {
        Set<String> failing = new TreeSet<>();
        problems.keySet().forEach(file -> failing.add(SpecFiles.expectedName(file)));
        Map<String, IntegrationSpec> specs = new TreeMap<>();
        registry.all().forEach(s -> specs.put(s.name(), s));
        Set<String> keptNow = new TreeSet<>(kept);
        for (String name : failing) {
            if (!specs.containsKey(name) && previous.find(name).isPresent()) {
                specs.put(name, previous.require(name));
                keptNow.add(name);
            }
        }
        List<String> keptApis = failing.stream()
                .filter(n -> registry.apis().find(n).isEmpty() && previous.apis().find(n).isPresent()).toList();
        keptNow.addAll(keptApis);
        ApiRegistry apis = registry.apis().with(previous.apis(), keptApis);
        return new SpecLoad(new IntegrationRegistry(specs.values(), apis), problems, keptNow);
    }

    /**
     * Problems grouped by the file each starts with: the longest file read that it names, else (a file that could not be
     * read) what comes before its first ": ", without a line and column.
     */
    private static Map<String, List<String>> byFile(List<String> flat, Collection<String> files) {
        List<String> names = files.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (String problem : flat) {
            int colon = problem.indexOf(": ");
            String file = names.stream().filter(f -> problem.startsWith(f + ":")).findFirst()
                    .orElse(colon < 0 ? problem : problem.substring(0, colon).replaceFirst("(:\\d+)+$", ""));
            grouped.computeIfAbsent(file, k -> new ArrayList<>()).add(problem);
        }
        return grouped;
    }
}
