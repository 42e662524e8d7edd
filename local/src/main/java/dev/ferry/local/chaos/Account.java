package dev.ferry.local.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What became of every record of a chaos run, Jepsen-style: each expected record version is applied exactly once,
 * lost (never applied, and not in a dead-letter queue), applied twice or more, or applied with the wrong content;
 * dead letters are listed with their reasons, and those a replay brought home are counted as recovered.
 * {@link #passed()} is false on any lost, duplicated or wrong record, any record still dead after replay, any webhook
 * the provider could not hand over, or a run that did not settle in time.
 */
public record Account(ChaosRun.Options options, int full, int thin, int polled, boolean settled,
                      Map<String, String> expected, Map<String, List<ChaosDestination.Effect>> effects,
                      Map<String, String> wrong, Map<String, String> deadLettered, Map<String, String> stillDead,
                      Map<String, String> edgeFailures, Map<String, Long> faults, long destinationRequests,
                      long absorbedRepeats, long unauthorised, long webhookPosts, Map<Integer, Long> webhookStatuses,
                      long pollRuns, Map<String, Long> pollStatuses, long pagesServed, List<String> replayRounds,
                      java.util.Set<String> poisoned,
                      Duration faultsPhase, Duration elapsed) {

    public int records() {
        return expected.size();
    }

    public List<String> lost() {
        return expected.keySet().stream().filter(r -> !effects.containsKey(r) && !stillDead.containsKey(r)).toList();
    }

    /** Records applied more than once, with how often. */
    public Map<String, Integer> duplicated() {
        Map<String, Integer> out = new TreeMap<>();
        effects.forEach((r, list) -> {
            if (list.size() > 1) {
                out.put(r, list.size());
            }
        });
        return out;
    }

    /** Effects on records the run never sent. */
    public List<String> unexpected() {
        return effects.keySet().stream().filter(r -> !expected.containsKey(r)).sorted().toList();
    }

    public long exactlyOnce() {
        return expected.keySet().stream().filter(r -> effects.containsKey(r) && effects.get(r).size() == 1 && !wrong.containsKey(r)).count();
    }

    /** Dead-lettered records that ended applied exactly once. */
    public long recoveredByReplay() {
        return deadLettered.keySet().stream().filter(r -> expected.containsKey(r) && effects.containsKey(r)
                && effects.get(r).size() == 1 && !stillDead.containsKey(r)).count();
    }

    public long crashes() {
        return faults.entrySet().stream().filter(e -> e.getKey().startsWith("crash: ")).mapToLong(Map.Entry::getValue).sum();
    }

    public boolean passed() {
        return settled && lost().isEmpty() && duplicated().isEmpty() && wrong.isEmpty() && unexpected().isEmpty()
                && stillDead.isEmpty() && edgeFailures.isEmpty() && unauthorised == 0 && exactlyOnce() == records()
                && deadLettered.keySet().containsAll(poisoned);
    }

    /** Why it failed, one line each; empty when it passed. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (!settled) {
            out.add("the run did not settle within " + options.deadline() + " (queues not drained or the poll not caught up)");
        }
        add(out, "lost", lost());
        add(out, "applied twice or more", duplicated().entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).toList());
        add(out, "applied with the wrong content", wrong.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
        add(out, "applied but never sent", unexpected());
        add(out, "still dead-lettered after replay", stillDead.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
        add(out, "webhooks the provider could not hand over", edgeFailures.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).toList());
        List<String> poisonNotDead = poisoned.stream().filter(r -> !deadLettered.containsKey(r)).toList();
        add(out, "poisoned records that were not dead-lettered", poisonNotDead);
        if (unauthorised > 0) {
            out.add(unauthorised + " destination requests without the right token");
        }
        return out;
    }

    private static void add(List<String> out, String what, List<String> records) {
        if (!records.isEmpty()) {
            out.add(records.size() + " " + what + ": " + String.join(", ", records.subList(0, Math.min(20, records.size())))
                    + (records.size() > 20 ? ", ..." : ""));
        }
    }

    /** The account as text (also the body of bench/results/chaos.md). */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("chaos run, seed ").append(options.seed()).append(": ").append(records()).append(" records (")
                .append(full).append(" full webhooks, ").append(thin).append(" thin webhooks, ").append(polled)
                .append(" polled), ").append(options.workers()).append(" workers per step, ")
                .append(seconds(elapsed)).append(" (faults phase ").append(seconds(faultsPhase)).append(")\n");
        out.append("\nfaults injected (").append(faults.values().stream().mapToLong(Long::longValue).sum()).append(", of them ")
                .append(crashes()).append(" crashes):\n");
        faults.forEach((kind, count) -> out.append(String.format("  %7d  %s%n", count, kind)));
        out.append("\naccount:\n");
        line(out, "records applied exactly once", exactlyOnce() + " of " + records());
        line(out, "lost", Integer.toString(lost().size()));
        line(out, "applied twice or more", Integer.toString(duplicated().size()));
        line(out, "applied with the wrong content", Integer.toString(wrong.size()));
        line(out, "dead-lettered", Integer.toString(deadLettered.size()));
        line(out, "recovered by replay", recoveredByReplay() + " (" + poisoned.size() + " of them refused 422 on purpose until"
                + " fixed: " + String.join(", ", poisoned) + ")");
        line(out, "still dead-lettered", Integer.toString(stillDead.size()));
        line(out, "webhooks not handed over", Integer.toString(edgeFailures.size()));
        if (!deadLettered.isEmpty()) {
            out.append("\ndead letters and their reasons:\n");
            deadLettered.forEach((r, why) -> out.append("  ").append(r).append(" — ").append(why).append('\n'));
        }
        if (!replayRounds.isEmpty()) {
            out.append("replay: ").append(String.join("; ", replayRounds)).append('\n');
        }
        out.append("\ntraffic:\n");
        line(out, "destination requests", destinationRequests + String.format(" (%.2f per record)", (double) destinationRequests / records()));
        line(out, "repeats absorbed by Idempotency-Key", absorbedRepeats + " (calls whose effect had landed unrecorded: a crash"
                + " between call and write, a timeout, a dropped answer)");
        line(out, "webhook posts", webhookPosts + ", answers " + webhookStatuses + " (-1: no answer, the instance crashed)");
        line(out, "scheduled poll runs", pollRuns + " " + pollStatuses + ", " + pagesServed + " pages served");
        out.append("\nverdict: ").append(passed() ? "PASS" : "FAIL").append('\n');
        problems().forEach(p -> out.append("  ").append(p).append('\n'));
        return out.toString();
    }

    private static void line(StringBuilder out, String what, String value) {
        out.append(String.format("  %-36s %s%n", what, value));
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
