package dev.ferry.shared.poll;

import java.time.Instant;

/** Hears how a backfill proceeds, after every page. */
@FunctionalInterface
public interface BackfillListener {

    BackfillListener NONE = progress -> {
    };

    void progress(Progress progress);

    /**
     * @param windowFrom  start of the window being read
     * @param windowTo    its end
     * @param windowsDone windows read completely so far
     * @param windows     windows in the whole range
     * @param pages       pages read so far
     * @param queued      records queued so far
     * @param done        true once, after the last page of the last window
     */
    record Progress(Instant windowFrom, Instant windowTo, int windowsDone, int windows, int pages, int queued, boolean done) {
    }
}
