package dev.ferry.local.catalog;

import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.SpecLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Where a catalog comes from in a repository: the integrations directories (the APIs beside each, as the functions
 * load them) and {@code infra/template.yaml}.
 */
public final class CatalogSources {

    public static final String TEMPLATE = "infra/template.yaml";

    private CatalogSources() {
    }

    /** Loads the specs exactly as the functions do (a bad spec throws SpecException with every problem) and builds the catalog. */
    public static Catalog load(Path root, List<Path> integrationDirs, Path template, Function<String, Optional<String>> settings) {
        IntegrationRegistry registry = IntegrationRegistry.load(new SpecLoader(settings, false), integrationDirs);
        return of(registry, root, integrationDirs, template);
    }

    /** The catalog of specs already loaded (e.g. by {@code ferry dev}). */
    public static Catalog of(IntegrationRegistry registry, Path root, List<Path> integrationDirs, Path template) {
        return new CatalogBuilder(registry, DeploymentTemplate.read(template, shown(root, template)), specFiles(root, integrationDirs)).build();
    }

    /** Each integration's file, relative to the repository root, by the name the file gives it. */
    static Map<String, String> specFiles(Path root, List<Path> dirs) {
        Map<String, String> files = new TreeMap<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).forEach(p -> {
                    String file = p.getFileName().toString();
                    files.put(file.substring(0, file.lastIndexOf('.')), shown(root, p));
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    static String shown(Path root, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path base = root.toAbsolutePath().normalize();
        return (abs.startsWith(base) ? base.relativize(abs) : abs).toString().replace('\\', '/');
    }
}
