package dev.ferry.local.cli;

import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where the specs are and the settings they are read with: shared by every command that reads specs. */
final class WorkspaceOptions {

    @Option(names = "--dir", paramLabel = "DIR", description = "The repository: integrations/, apis/ (and sandbox/) under it."
            + " Default: the current directory.")
    Path dir = Path.of("");

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting specs refer to as $${KEY} (e.g. --set"
            + " shop.api.url=http://127.0.0.1:9000); also read from the environment (FERRY_... names) and .ferry/settings.properties.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--local", description = "Local mode, as under `ferry dev`: plain http:// URLs are allowed.")
    boolean local;

    Path root() {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("integrations"))) {
            throw CliException.usage("no integrations/ in " + root + " (run from the repository, or give --dir)");
        }
        return root;
    }

    /** --set first, then .ferry/settings.properties (git-ignored), then system properties and the environment. */
    Map<String, String> settings() {
        Map<String, String> all = new LinkedHashMap<>(LocalSettings.read(root()));
        all.putAll(settings);
        return all;
    }

    SpecSet load() {
        return SpecSet.load(root(), settings(), local);
    }
}
