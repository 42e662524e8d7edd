package dev.ferry.local.chaos;

/**
 * An instance dying at a crash point. An {@link Error}, so that no step's {@code catch (RuntimeException)} handles it:
 * it leaves the step as a real crash would, with whatever the step had done so far done and nothing after it.
 */
final class Crash extends Error {

    final String point;

    Crash(String point) {
        super("chaos: crashed " + point, null, false, false);
        this.point = point;
    }
}
