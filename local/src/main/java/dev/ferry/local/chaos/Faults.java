package dev.ferry.local.chaos;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The run's dice and its tally of every fault injected, by kind. Seeded: the same seed gives the same sequence of
 * rolls (which roll meets which record still depends on thread timing).
 */
final class Faults {

    private final SplittableRandom random;
    private final Map<String, LongAdder> injected = new ConcurrentHashMap<>();
    private volatile boolean enabled = true;

    Faults(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Uniform in [0, 1). */
    synchronized double next() {
        return random.nextDouble();
    }

    synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** True (and counted under {@code kind}) with probability {@code rate}, while faults are on. */
    boolean roll(String kind, double rate) {
        if (!enabled || rate <= 0 || next() >= rate) {
            return false;
        }
        count(kind);
        return true;
    }

    /** Throws a {@link Crash} at {@code point} with probability {@code rate}. */
    void maybeCrash(String point, double rate) {
        if (roll("crash: " + point, rate)) {
            throw new Crash(point);
        }
    }

    void count(String kind) {
        injected.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    boolean enabled() {
        return enabled;
    }

    /** Off for the replay and the final count, so that what is measured is the recovery, not more faults. */
    void disable() {
        enabled = false;
    }

    Map<String, Long> injected() {
        Map<String, Long> out = new TreeMap<>();
        injected.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
