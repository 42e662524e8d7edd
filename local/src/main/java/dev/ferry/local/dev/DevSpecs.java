package dev.ferry.local.dev;

import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.SpecLoad;
import dev.ferry.shared.spec.SpecLoader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;

/**
 * The configured spec directories loaded as {@code ferry dev} loads them: file by file ({@link SpecLoad}), so a broken
 * spec is left out and reported while the others run, and on a reload the last good version of a file that fails now
 * keeps running. The running registry is updated in place ({@link IntegrationRegistry#replaceWith}).
 */
public final class DevSpecs {

    /** What a reload changed, and the load it swapped in (with every failing file's problems). */
    public record Reload(SortedSet<String> changed, SpecLoad load) {
    }

    private final FerryConfig config;
    private volatile SpecLoad last;

    public DevSpecs(FerryConfig config) {
        this.config = config;
    }

    /** The first load: the good specs and the problems of the others. */
    public synchronized SpecLoad load() {
        last = fresh();
        return last;
    }

    /** Loads again and swaps the result into {@code running}, keeping the last good version of each file that fails now. */
    public synchronized Reload reload(IntegrationRegistry running) {
        SpecLoad load = fresh().keepingLastGood(running);
        SortedSet<String> changed = running.replaceWith(load.registry());
        last = load;
        return new Reload(changed, load);
    }

    /** The last load (at start or the latest reload). */
    public SpecLoad last() {
        return last;
    }

    /** The integrations directories and the APIs' (configured, else the {@code apis/} beside each): what to watch. */
    public List<Path> directories() {
        List<Path> all = new ArrayList<>(integrationDirs());
        all.addAll(apiDirs());
        return all.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    }

    /**
     * What a person should read after a load, one line each: every problem of every failing file as
     * {@code file:line: path: problem} (files relative to {@code root}), and for each such file what runs meanwhile.
     */
    public List<String> report(SpecLoad load, Path root) {
        String prefix = root.toAbsolutePath().normalize() + java.io.File.separator;
        List<String> lines = new ArrayList<>();
        List<Path> apis = apiDirs().stream().map(d -> d.toAbsolutePath().normalize()).toList();
        load.problems().forEach((file, problems) -> {
            problems.forEach(p -> lines.add(p.replace(prefix, "")));
            Path path = Path.of(file).toAbsolutePath().normalize();
            String name = path.getFileName().toString().replaceFirst("\\.yaml$", "");
            boolean api = apis.contains(path.getParent());
            String what = (api ? "API " : "") + name;
            lines.add("  -> " + (load.kept().contains(name) ? what + " keeps running its last good version until the file loads again"
                    : what + " is not running until the file loads"));
        });
        return lines;
    }

    private SpecLoad fresh() {
        SpecLoader loader = new SpecLoader(config::get, config.localMode());
        return SpecLoad.load(loader, apiDirs(), integrationDirs());
    }

    private List<Path> integrationDirs() {
        return paths(FerryConfig.INTEGRATIONS_DIR);
    }

    private List<Path> apiDirs() {
        return config.get(FerryConfig.APIS_DIR).isPresent() ? paths(FerryConfig.APIS_DIR)
                : integrationDirs().stream().map(d -> d.toAbsolutePath().normalize().resolveSibling("apis")).distinct().toList();
    }

    private List<Path> paths(String setting) {
        return config.get(setting)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList())
                .orElse(List.of());
    }
}
