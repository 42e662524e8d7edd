package dev.ferry.local.dev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Watches spec directories ({@code *.yaml}) and calls back once their files have changed and then stayed the same for a
 * quiet spell: an editor's save (write, rename, a second write) is one reload, not three. It compares the files'
 * contents, polled: a save within the file system's timestamp granularity, an atomic rename or a directory created
 * later are all seen, where {@code WatchService} would need a key per directory and still miss the last case.
 */
public final class SpecWatcher implements AutoCloseable {

    public static final Duration POLL = Duration.ofMillis(200);
    public static final Duration QUIET = Duration.ofMillis(300);

    private final List<Path> directories;
    private final Duration quiet;
    private final Runnable onChange;
    private final Consumer<RuntimeException> onFailure;
    private final ScheduledExecutorService timer;
    private Map<Path, Long> seen;
    private Map<Path, Long> applied;
    private long seenAt;

    /**
     * @param onChange  called on the watcher's thread, one call at a time
     * @param onFailure what {@code onChange} threw (the watcher keeps watching)
     */
    public SpecWatcher(List<Path> directories, Duration poll, Duration quiet, Runnable onChange, Consumer<RuntimeException> onFailure) {
        this.directories = List.copyOf(directories);
        this.quiet = quiet;
        this.onChange = onChange;
        this.onFailure = onFailure;
        this.applied = fingerprint();
        this.seen = applied;
        this.seenAt = System.nanoTime();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ferry-spec-watcher");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::poll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    public SpecWatcher(List<Path> directories, Runnable onChange, Consumer<RuntimeException> onFailure) {
        this(directories, POLL, QUIET, onChange, onFailure);
    }

    private void poll() {
        Map<Path, Long> now = fingerprint();
        long at = System.nanoTime();
        if (!now.equals(seen)) {
            seen = now;
            seenAt = at;
            return;
        }
        if (!now.equals(applied) && at - seenAt >= quiet.toNanos()) {
            applied = now;
            try {
                onChange.run();
            } catch (RuntimeException e) {
                onFailure.accept(e);
            }
        }
    }

    /** Every spec file with a checksum of its bytes (-1: there but unreadable right now, e.g. mid-rename). */
    private Map<Path, Long> fingerprint() {
        Map<Path, Long> files = new TreeMap<>();
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(f -> f.getFileName().toString().endsWith(".yaml")).forEach(f -> files.put(f, checksum(f)));
            } catch (IOException e) {
                files.put(dir, -1L);
            }
        }
        return files;
    }

    private static long checksum(Path file) {
        try {
            CRC32 crc = new CRC32();
            crc.update(Files.readAllBytes(file));
            return crc.getValue();
        } catch (IOException e) {
            return -1L;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
