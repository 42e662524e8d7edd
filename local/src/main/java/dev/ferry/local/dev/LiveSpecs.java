package dev.ferry.local.dev;

import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.SpecLoad;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ferry dev}'s specs while it runs: the problems of the files that did not load at start, then a reload each time
 * the spec files change (debounced by {@link SpecWatcher}), saying what changed and what does not load.
 */
public final class LiveSpecs implements AutoCloseable {

    private final DevSpecs specs;
    private final IntegrationRegistry running;
    private final Path root;
    private final PrintStream out;
    private final SpecWatcher watcher;

    private LiveSpecs(DevSpecs specs, IntegrationRegistry running, Path root, PrintStream out) {
        this.specs = specs;
        this.running = running;
        this.root = root;
        this.out = out;
        this.watcher = new SpecWatcher(specs.directories(), this::reload,
                e -> out.println("ferry dev: specs not reloaded: " + e.getMessage()));
    }

    /** Prints the start's problems (if any) and watches {@code specs}' directories from now on. */
    public static LiveSpecs start(DevSpecs specs, IntegrationRegistry running, Path root, PrintStream out) {
        SpecLoad load = specs.last();
        if (!load.clean()) {
            out.println("ferry dev: " + load.problems().size() + " spec file(s) do not load; the others run:");
            specs.report(load, root).forEach(l -> out.println("  " + l));
        }
        return new LiveSpecs(specs, running, root, out);
    }

    private void reload() {
        DevSpecs.Reload reload = specs.reload(running);
        out.println("ferry dev: specs reloaded: " + (reload.changed().isEmpty() ? "no integration changed"
                : String.join(", ", reload.changed()) + " changed") + (reload.load().clean() ? "; every spec loads" : ""));
        List<String> report = specs.report(reload.load(), root);
        report.forEach(l -> out.println("  " + l));
    }

    /** Directories watched, for the start message. */
    public List<Path> directories() {
        return specs.directories();
    }

    @Override
    public void close() {
        watcher.close();
    }
}
