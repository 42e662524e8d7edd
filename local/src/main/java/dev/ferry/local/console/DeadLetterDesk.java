package dev.ferry.local.console;

import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.replay.Replayer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One way at a time to the dead-letter queues. Reading them hides each letter for a moment (it is received, then made
 * visible again), so a page refresh reading while a replay scans would make the replay miss letters: every look,
 * preview and replay here, and {@code POST /replay}, takes its turn. Replays are added to the records' trails.
 */
public final class DeadLetterDesk {

    private final DeadLetterSource source;
    private final RecordTrail trail;

    public DeadLetterDesk(DeadLetterSource source, RecordTrail trail) {
        this.source = source;
        this.trail = trail;
    }

    public synchronized List<Replayer.DeadLetter> list() {
        return source.deadLetters();
    }

    /** A dry run changes nothing; a replay re-drives what matches and puts "replayed" on each record's trail. */
    public synchronized Replayer.Report replay(Replayer.Filter filter) {
        if (filter.dryRun()) {
            return source.replay(filter);
        }
        Map<String, String> traces = new HashMap<>();
        for (Replayer.DeadLetter letter : source.deadLetters()) {
            Envelope e = letter.envelope();
            if (e != null && e.recordId() != null) {
                traces.put(e.integration() + "\n" + e.recordId(), e.traceId());
            }
        }
        java.time.Instant started = trail.now();
        Replayer.Report report = source.replay(filter);
        for (Replayer.Item item : report.items()) {
            if (item.action().equals("replayed")) {
                trail.replayed(item.integration(), item.recordId(), traces.get(item.integration() + "\n" + item.recordId()), item.target(), started);
            }
        }
        return report;
    }
}
