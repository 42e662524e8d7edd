package dev.ferry.testing;

import dev.ferry.shared.config.FerryConfig;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting helpers for tests and the local runner. */
public final class Await {

    /** How many polls in a row must see every queue empty. */
    public static final int QUIET_POLLS = 3;
    public static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private Await() {
    }

    /**
     * Waits until the given queues (all six when none are given) have depth 0 — nothing visible, in flight or
     * delayed — on {@link #QUIET_POLLS} polls in a row. False on timeout.
     */
    public static boolean awaitQuiet(AwsEmulators aws, Duration timeout, FerryConfig.Queue... queues) {
        FerryConfig.Queue[] watched = queues.length == 0 ? FerryConfig.Queue.values() : queues;
        long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (true) {
            boolean empty = true;
            for (FerryConfig.Queue q : watched) {
                if (aws.depth(q) > 0) {
                    empty = false;
                    break;
                }
            }
            quiet = empty ? quiet + 1 : 0;
            if (quiet >= QUIET_POLLS) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            if (!sleep(POLL_INTERVAL)) {
                return false;
            }
        }
    }

    /** Same as {@link #awaitQuiet}. */
    public static boolean quiet(AwsEmulators aws, Duration timeout, FerryConfig.Queue... queues) {
        return awaitQuiet(aws, timeout, queues);
    }

    /** Polls {@code condition} until it holds; false on timeout. */
    public static boolean until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() >= deadline || !sleep(Duration.ofMillis(50))) {
                return false;
            }
        }
    }

    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
