package dev.ferry.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * When requests reached a test API ({@link System#nanoTime()}), for rate assertions: how many fell into
 * the busiest window of a given length, and the rate observed between the first and the last.
 * Thread-safe: record from FakeApi's handler threads.
 */
public final class Arrivals {

    private final ConcurrentLinkedQueue<Long> times = new ConcurrentLinkedQueue<>();

    /** Notes one arrival, now. */
    public void record() {
        times.add(System.nanoTime());
    }

    public int count() {
        return times.size();
    }

    /** Arrival times in order. */
    public List<Long> times() {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        return sorted;
    }

    /** The most arrivals within any window of this length (a sliding window over the arrivals). */
    public int busiest(Duration window) {
        List<Long> sorted = times();
        long length = window.toNanos();
        int most = 0;
        for (int i = 0, j = 0; i < sorted.size(); i++) {
            while (sorted.get(i) - sorted.get(j) >= length) {
                j++;
            }
            most = Math.max(most, i - j + 1);
        }
        return most;
    }

    /**
     * The busiest window for a limit that is kept where requests are sent, counted where they arrive. A request sent in
     * time can arrive up to {@code lateness} late (a busy 2-core machine, a GC pause, a slow connection), so two sends a
     * full window apart can arrive closer than that and a true limit would seem broken. Counting over
     * {@code window - lateness} instead keeps a kept limit within its bound for arrivals delayed by up to
     * {@code lateness} relative to each other, while a limiter that lets too many through still shows.
     */
    public int busiest(Duration window, Duration lateness) {
        if (lateness.isNegative() || lateness.compareTo(window) >= 0) {
            throw new IllegalArgumentException("lateness must be at least 0 and shorter than the window, got " + lateness);
        }
        return busiest(window.minus(lateness));
    }

    /** Seconds from the first arrival to the last (0 with fewer than two). */
    public double spanSeconds() {
        List<Long> sorted = times();
        return sorted.size() < 2 ? 0 : (sorted.getLast() - sorted.getFirst()) / 1e9;
    }

    /** Arrivals per second between the first and the last (0 with fewer than two). */
    public double ratePerSecond() {
        double span = spanSeconds();
        return span == 0 ? 0 : (count() - 1) / span;
    }
}
