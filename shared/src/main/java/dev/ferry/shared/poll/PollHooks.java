package dev.ferry.shared.poll;

/** Points where tests inject faults into a run (a crash between enqueue and cursor commit). */
public interface PollHooks {

    PollHooks NONE = new PollHooks() {
    };

    /** Every record of the window is queued; the cursor is not committed yet. */
    default void beforeCursorCommit(Checkpoint checkpoint) {
    }
}
