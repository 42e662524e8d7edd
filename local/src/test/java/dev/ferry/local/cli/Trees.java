package dev.ferry.local.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch repositories for the command's tests: integrations/ and apis/ in a temp directory. */
final class Trees {

    private Trees() {
    }

    static Path empty() {
        try {
            Path root = Files.createTempDirectory("ferry-cli-");
            Files.createDirectories(root.resolve("integrations"));
            Files.createDirectories(root.resolve("apis"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path root, String file, String text) {
        try {
            Path path = root.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, text);
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
