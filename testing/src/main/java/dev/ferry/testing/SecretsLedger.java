package dev.ferry.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The list of every secret value the tests put into Secrets Manager, for the scan of the suite's output
 * ({@code scripts/scan-secrets.js}): one line per value, {@code <secret name> TAB <field> TAB <base64 of the value>}.
 * A JSON secret contributes each of its leaf values (field {@code clientSecret}, {@code nested.token}); any other
 * secret its whole string (field {@code -}). Values are base64 so the list itself never holds one in clear text.
 *
 * <p>Only when the system property {@value #FILE_PROPERTY} names the file (the build sets it for tests, to
 * {@code target/ferry-secrets-used.txt} of each module): {@code ferry dev}, which uses the same emulators, writes nothing.
 */
public final class SecretsLedger {

    public static final String FILE_PROPERTY = "ferry.test.secrets-ledger";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> WRITTEN = new HashSet<>();

    private SecretsLedger() {
    }

    /** Whether this JVM keeps the list (tests do, {@code ferry dev} does not). */
    public static boolean enabled() {
        return file() != null;
    }

    /** Adds the values of one secret version to the list. */
    public static synchronized void record(String name, String secretString) {
        Path file = file();
        if (file == null || secretString == null) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<String, String> value : values(secretString).entrySet()) {
            String line = name + "\t" + value.getKey() + "\t"
                    + Base64.getEncoder().encodeToString(value.getValue().getBytes(StandardCharsets.UTF_8)) + "\n";
            if (WRITTEN.add(file + "\n" + line)) {
                lines.append(line);
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the secrets ledger " + file, e);
        }
    }

    /** Field path to value: a JSON object's leaves, or the whole string. */
    static Map<String, String> values(String secretString) {
        Map<String, String> values = new LinkedHashMap<>();
        JsonNode root;
        try {
            root = JSON.readTree(secretString);
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root != null && root.isContainerNode()) {
            leaves(root, "", values);
        } else {
            values.put("-", secretString);
        }
        return values;
    }

    private static void leaves(JsonNode node, String path, Map<String, String> values) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                leaves(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), values);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                leaves(node.get(i), path + "[" + i + "]", values);
            }
        } else if (!node.isNull()) {
            values.put(path.isEmpty() ? "-" : path, node.asText());
        }
    }

    private static Path file() {
        String name = System.getProperty(FILE_PROPERTY);
        return name == null || name.isBlank() ? null : Path.of(name);
    }
}
