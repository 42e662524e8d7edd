package dev.ferry.local.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.SpecLoad;
import dev.ferry.shared.spec.SpecLoader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
            problems.forEach(p -> lines.add(withLine(file, p).replace(prefix, "")));
            Path path = Path.of(file).toAbsolutePath().normalize();
            String name = path.getFileName().toString().replaceFirst("\\.yaml$", "");
            boolean api = apis.contains(path.getParent());
            String what = (api ? "API " : "") + name;
            lines.add("  -> " + (load.kept().contains(name) ? what + " keeps running its last good version until the file loads again"
                    : what + " is not running until the file loads"));
        });
        return lines;
    }

    private static final Pattern LINELESS = Pattern.compile("^(.+?\\.yaml): ([A-Za-z0-9_.\\[\\]-]+): (.*)$", Pattern.DOTALL);

    /**
     * The problem with the line of its path added when the loader gave none (it leaves the line out where a dotted path
     * is ambiguous: mapping fields may hold dots, {@code billing.city}); here each step takes the longest key the file has.
     */
    static String withLine(String file, String problem) {
        Matcher m = LINELESS.matcher(problem);
        if (!m.matches() || !m.group(1).equals(file)) {
            return problem;
        }
        try {
            String text = java.nio.file.Files.readString(Path.of(file));
            JsonNode node = new YAMLMapper().readTree(text);
            StringBuilder pointer = new StringBuilder();
            List<String> parts = List.of(m.group(2).replaceAll("\\[(\\d+)]", ".$1").split("\\."));
            for (int i = 0; i < parts.size() && node != null; ) {
                int take = parts.size() - i;
                while (take > 1 && !node.has(String.join(".", parts.subList(i, i + take)))) {
                    take--;
                }
                String key = String.join(".", parts.subList(i, i + take));
                node = node.isArray() && key.chars().allMatch(Character::isDigit) ? node.get(Integer.parseInt(key)) : node.get(key);
                pointer.append('/').append(key.replace("~", "~0").replace("/", "~1"));
                i += take;
            }
            return SpecLoader.lineOf(text, pointer.toString())
                    .map(line -> m.group(1) + ":" + line + ": " + m.group(2) + ": " + m.group(3)).orElse(problem);
        } catch (java.io.IOException | RuntimeException e) {
            return problem; // the file changed or went away meanwhile: the problem as the loader said it
        }
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
