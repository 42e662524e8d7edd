package dev.ferry.shared.spec;

import dev.ferry.shared.config.ConfigurationException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The integrations this deployment knows, loaded and checked once at start. On Lambda they come from
 * the function's classpath ({@code ferry/integrations/index.txt}, written by the build); locally from
 * one or more directories. Any invalid spec stops the start with every problem listed.
 *
 * <p>Locally the specs can be reloaded while the pipeline runs: {@link #replaceWith} swaps the whole set at once, so
 * the steps, which hold this object, see either the old set or the new one, never a mix.
 */
public final class IntegrationRegistry {

    /** The integrations by name and the APIs they refer to, replaced together. */
    private record Snapshot(Map<String, IntegrationSpec> byName, ApiRegistry apis) {
    }

    private volatile Snapshot current;

    public IntegrationRegistry(Collection<IntegrationSpec> specs) {
        this(specs, ApiRegistry.EMPTY);
    }

    public IntegrationRegistry(Collection<IntegrationSpec> specs, ApiRegistry apis) {
        Map<String, IntegrationSpec> map = new TreeMap<>();
        for (IntegrationSpec spec : specs) {
            if (map.put(spec.name(), spec) != null) {
                throw new SpecException(List.of("two specs are named '" + spec.name() + "'"));
            }
        }
        this.current = new Snapshot(java.util.Collections.unmodifiableMap(map), apis);
    }

    /**
     * Takes over the integrations and APIs of {@code newer} (a fresh load of the same directories) in one step.
     *
     * @return the names of the integrations added, changed or removed by the swap
     */
    public java.util.SortedSet<String> replaceWith(IntegrationRegistry newer) {
        Snapshot before = current;
        Snapshot after = newer.current;
        java.util.SortedSet<String> changed = new java.util.TreeSet<>();
        for (String name : before.byName().keySet()) {
            if (!after.byName().containsKey(name)) {
                changed.add(name);
            }
        }
        after.byName().forEach((name, spec) -> {
            if (!spec.equals(before.byName().get(name))) {
                changed.add(name);
            }
        });
        current = after;
        return changed;
    }

    public Optional<IntegrationSpec> find(String name) {
        return Optional.ofNullable(name).map(current.byName()::get);
    }

    public IntegrationSpec require(String name) {
        return find(name).orElseThrow(() -> new ConfigurationException("unknown integration '" + name + "'"));
    }

    public Collection<IntegrationSpec> all() {
        return current.byName().values();
    }

    /** The declared APIs the integrations refer to. */
    public ApiRegistry apis() {
        return current.apis();
    }

    /**
     * Loads the APIs and then the integrations that refer to them: from the given directories when any are given
     * (the APIs from the {@code apis/} beside each integrations directory), else both from the classpath.
     */
    public static IntegrationRegistry load(SpecLoader loader, List<Path> directories) {
        return load(loader, apiDirectoriesBeside(directories), directories);
    }

    /** The {@code apis/} beside each integrations directory. */
    static List<Path> apiDirectoriesBeside(List<Path> directories) {
        return directories.stream().map(d -> d.toAbsolutePath().normalize().resolveSibling("apis")).distinct().toList();
    }

    /** As {@link #load(SpecLoader, List)}, with the APIs' directories named (none: from the classpath). */
    public static IntegrationRegistry load(SpecLoader loader, List<Path> apiDirectories, List<Path> directories) {
        ApiRegistry apis = ApiRegistry.load(loader, apiDirectories);
        IntegrationRegistry registry = new IntegrationRegistry(loadIntegrations(loader.withApis(apis), directories), apis);
        for (String warning : apis.unused(registry.all())) {
            LOG.warn(warning);
        }
        return registry;
    }

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(IntegrationRegistry.class);

    /** Loads from the given directories when any are given, else from the classpath. */
    private static List<IntegrationSpec> loadIntegrations(SpecLoader loader, List<Path> directories) {
        List<String> problems = new ArrayList<>();
        List<IntegrationSpec> specs = new ArrayList<>();
        for (SpecFiles.Source source : SpecFiles.read("integrations", directories, true, problems)) {
            IntegrationSpec spec = collect(loader, source.file(), source.text(), problems);
            if (spec != null) {
                specs.add(spec);
            }
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return specs;
    }

    /** One file's spec, or null with its problems added (a spec whose name is not its file's is returned with a problem). */
    static IntegrationSpec collect(SpecLoader loader, String file, String text, List<String> problems) {
        try {
            IntegrationSpec spec = loader.load(file, text);
            String expected = SpecFiles.expectedName(file);
            if (!expected.equals(spec.name())) {
                problems.add(file + ":" + YamlLines.lineOf(text, "/name").orElse(1) + ": name: '" + spec.name()
                        + "' must match the file name '" + expected + "'");
            }
            return spec;
        } catch (SpecException e) {
            problems.addAll(e.problems());
            return null;
        }
    }
}
