package dev.ferry.local.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on the terminal, redrawn in place with {@code \r}; nothing at all when the output is a
 * file, a pipe or CI (the command's report says the same at the end). Hand-written: about 30 lines, and the
 * progress-bar libraries are not served by our registry.
 */
final class Progress implements AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean on;
    private final String label;
    private int drawn;

    Progress(PrintWriter err, boolean terminal, String label) {
        this.err = err;
        this.on = terminal;
        this.label = label;
    }

    /** A bar when the total is known ({@code total > 0}), else a counter: "plan crm-contacts  page 3  150 records". */
    void update(long done, long total, String detail) {
        if (!on) {
            return;
        }
        String line;
        if (total > 0) {
            int filled = (int) Math.min(WIDTH, done * WIDTH / total);
            line = "%s [%s%s] %d/%d %s".formatted(label, "#".repeat(filled), "-".repeat(WIDTH - filled), done, total, detail);
        } else {
            line = label + "  " + detail;
        }
        err.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
        err.flush();
        drawn = line.length();
    }

    @Override
    public void close() {
        if (on && drawn > 0) {
            err.print("\r" + " ".repeat(drawn) + "\r");
            err.flush();
        }
    }
}
