package dev.ferry.local.cli;

/** A reason the command stops, said in one line, with the exit code it stops with. */
final class CliException extends RuntimeException {

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** Bad input the person can fix: exit 2 when it is the command line, 1 for what it points at. */
    static CliException usage(String message) {
        return new CliException(Ferry.USAGE, message);
    }

    static CliException problem(String message) {
        return new CliException(Ferry.PROBLEMS, message);
    }

    int exitCode() {
        return exitCode;
    }
}
