package dev.ferry.local.console;

import dev.ferry.shared.metrics.RecordEvent;
import dev.ferry.shared.metrics.RecordObserver;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What became of each record at each step, as the steps tell it ({@link RecordObserver}), stamped with the time it
 * was told and kept in memory: the newest {@link #CAPACITY} events, older ones dropped, so a long {@code ferry dev}
 * session stays small. The console also adds its own replays.
 */
public final class RecordTrail implements RecordObserver {

    /** How many events are kept. */
    public static final int CAPACITY = 10_000;

    /** The step a console replay is shown under. */
    static final String REPLAY = "replay";

    /**
     * One event of a record's trail.
     *
     * @param at      when it was told
     * @param started when the invocation that did it began (a trail is ordered by it, see {@link RecordEvent#started})
     * @param outcome e.g. {@code delivered}, {@code dead-lettered}, {@code replayed}
     */
    public record Entry(Instant at, Instant started, String step, String integration, String recordId, String traceId, String outcome, int attempt,
                        String detail) {
    }

    private final Clock clock;
    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();

    public RecordTrail(Clock clock) {
        this(clock, CAPACITY);
    }

    RecordTrail(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    @Override
    public void seen(RecordEvent event) {
        Instant now = clock.instant();
        add(new Entry(now, event.started() == null ? now : event.started(), event.step(), event.integration(), event.recordId(),
                event.traceId(), event.outcome().label(), event.attempt(), event.detail()));
    }

    /** The trail's time now. */
    Instant now() {
        return clock.instant();
    }

    /** A dead letter the console re-drove, to {@code queue}, in a replay begun at {@code started}. */
    void replayed(String integration, String recordId, String traceId, String queue, Instant started) {
        add(new Entry(clock.instant(), started, REPLAY, integration, recordId, traceId, "replayed", 0, "re-driven from the console to " + queue));
    }

    private void add(Entry entry) {
        synchronized (entries) {
            entries.addLast(entry);
            while (entries.size() > capacity) {
                entries.removeFirst();
            }
        }
    }

    /** Every event kept for the trace, in the order it happened (see {@link Entry#started}). */
    public List<Entry> trail(String traceId) {
        List<Entry> out = new ArrayList<>();
        synchronized (entries) {
            for (Entry e : entries) {
                if (traceId.equals(e.traceId())) {
                    out.add(e);
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Entry::started)); // stable: one invocation's events keep their order
        return out;
    }

    /** The newest {@code n} events, newest first. */
    public List<Entry> recent(int n) {
        List<Entry> out = new ArrayList<>(n);
        synchronized (entries) {
            var it = entries.descendingIterator();
            while (it.hasNext() && out.size() < n) {
                out.add(it.next());
            }
        }
        return out;
    }
}
