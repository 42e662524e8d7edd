package dev.ferry.shared.spec;

import dev.ferry.shared.config.ConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where spec files come from: {@code *.yaml} in directories (locally), or the function's classpath
 * ({@code ferry/KIND/index.txt}, written by the build, naming the files beside it). Shared by integrations and APIs.
 */
final class SpecFiles {

    /** One file's name (as problems name it) and text. */
    record Source(String file, String text) {
    }

    private SpecFiles() {
    }

    /**
     * @param kind          {@code integrations} or {@code apis}: the classpath folder and the name shown for its files
     * @param mustExist     whether a named directory that does not exist is a configuration error
     */
    static List<Source> read(String kind, List<Path> directories, boolean mustExist, List<String> problems) {
        List<Source> sources = new ArrayList<>();
        if (directories.isEmpty()) {
            String dir = "ferry/" + kind + "/";
            for (String file : classpathIndex(dir)) {
                String text = classpathText(dir + file).orElseThrow(() -> new ConfigurationException(
                        kind + " file " + file + " is in the index but not on the classpath"));
                sources.add(new Source(kind + "/" + file, text));
            }
            return sources;
        }
        for (Path dir : directories) {
            for (Path file : yamlFiles(kind, dir, mustExist)) {
                try {
                    sources.add(new Source(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    problems.add(file + ": cannot be read: " + e.getMessage());
                }
            }
        }
        return sources;
    }

    /** The name a file's {@code name:} must have. */
    static String expectedName(String file) {
        return Path.of(file).getFileName().toString().replaceFirst("\\.yaml$", "");
    }

    private static List<Path> yamlFiles(String kind, Path dir, boolean mustExist) {
        if (!Files.isDirectory(dir)) {
            if (mustExist) {
                throw new ConfigurationException(kind + " directory " + dir + " does not exist");
            }
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> classpathIndex(String dir) {
        return classpathText(dir + "index.txt").stream()
                .flatMap(String::lines).map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    private static Optional<String> classpathText(String resource) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        try (InputStream in = (cl != null ? cl : SpecFiles.class.getClassLoader()).getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
