package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A developer's own settings and credentials for local runs, in the git-ignored {@code .ferry/} of the repository:
 * {@code settings.properties} (settings specs refer to, e.g. {@code shop.api.url=http://127.0.0.1:9000}) and
 * {@code secrets.json} ({@code {"ferry/shop/api": {"token": "..."}}}), which {@code ferry dev} loads into its
 * Secrets Manager at every start.
 */
final class LocalSettings {

    static final String SETTINGS = ".ferry/settings.properties";
    static final String SECRETS = ".ferry/secrets.json";

    private LocalSettings() {
    }

    static Map<String, String> read(Path root) {
        Path file = root.resolve(SETTINGS);
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw CliException.problem(file + ": cannot be read: " + e.getMessage());
        }
        p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }

    /** Secret name to its JSON object; a value that is not an object is a problem named with the file. */
    static Map<String, String> secrets(Path root) {
        Path file = root.resolve(SECRETS);
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw CliException.problem(file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (tree == null || !tree.isObject()) {
            throw CliException.problem(file + ": must be one JSON object: {\"secret/name\": {\"field\": \"value\"}, ...}");
        }
        var names = tree.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!tree.get(name).isObject()) {
                throw CliException.problem(file + ": " + name + ": must be a JSON object of the secret's fields");
            }
            out.put(name, Json.write(tree.get(name)));
        }
        return out;
    }
}
