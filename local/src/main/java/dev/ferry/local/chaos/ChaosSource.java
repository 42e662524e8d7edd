package dev.ferry.local.chaos;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.FakeApi;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The source API: {@code GET /records/{id}} for thin webhooks, and {@code GET /items} — keyset pages in
 * {@code updated_at} order, filtered by {@code updated_since} and {@code updated_before}, of the polled records released so far (they appear
 * while the run goes on, as changes do). A fraction of requests answers 500.
 */
final class ChaosSource {

    private final Faults faults;
    private final double serverError;
    private final Map<String, ObjectNode> thin;
    private final List<ObjectNode> polled; // in updated_at order, ids in the same order
    private final AtomicInteger released = new AtomicInteger();
    private final Map<String, String> expectedVersions;
    private Instant lastVersion = Instant.EPOCH;
    private final AtomicLong pages = new AtomicLong();
    /** Set when a page is served that the poll must crash before queueing (read by {@link CrashingClients}). */
    final java.util.concurrent.atomic.AtomicBoolean crashNextPage = new java.util.concurrent.atomic.AtomicBoolean();
    /** Every this many pages served, the run crashes before queueing the page's records (a rate per page, not per send). */
    static final int CRASH_EVERY_PAGES = 15;

    /**
     * @param expectedVersions where each polled record's version goes when it is released ("poll/id" -> updated_at)
     */
    ChaosSource(FakeApi api, Faults faults, double serverError, Map<String, ObjectNode> thin, List<ObjectNode> polled,
                Map<String, String> expectedVersions) {
        this.expectedVersions = expectedVersions;
        this.faults = faults;
        this.serverError = serverError;
        this.thin = thin;
        this.polled = polled;
        api.on("GET", "/records/*", this::record);
        api.on("GET", "/items", this::page);
    }

    /**
     * Makes the first {@code count} polled records visible, each changed now: its {@code updated_at} (its version) is
     * the time it appears, as a real change's is — a record appearing with an older time than a cursor already past
     * it would be missed by any "updated since" poll, and that is not what this run tests.
     */
    synchronized void release(int count) {
        for (int i = released.get(); i < Math.min(count, polled.size()); i++) {
            Instant now = Instant.now();
            lastVersion = now.isAfter(lastVersion) ? now : lastVersion.plusMillis(1);
            ObjectNode item = polled.get(i);
            item.put("updated_at", lastVersion.toString());
            expectedVersions.put("poll/" + item.get("id").asText(), lastVersion.toString());
            released.incrementAndGet();
        }
    }

    /** The updated_at of the last polled record (once all are released). */
    synchronized String newest() {
        return polled.getLast().get("updated_at").asText();
    }

    int released() {
        return released.get();
    }

    long pages() {
        return pages.get();
    }

    private FakeApi.Reply record(FakeApi.RecordedRequest request) {
        if (faults.roll("source: 500", serverError)) {
            return FakeApi.Reply.json(500, "{\"error\":\"chaos: source down\"}");
        }
        ObjectNode record = thin.get(request.path().substring("/records/".length()));
        return record == null ? FakeApi.Reply.json(404, "{\"error\":\"no such record\"}") : FakeApi.Reply.json(200, Json.write(record));
    }

    private synchronized FakeApi.Reply page(FakeApi.RecordedRequest request) {
        if (faults.roll("source: 500", serverError)) {
            return FakeApi.Reply.json(500, "{\"error\":\"chaos: source down\"}");
        }
        if (pages.incrementAndGet() % CRASH_EVERY_PAGES == 0 && faults.enabled()) {
            crashNextPage.set(true);
        }
        Instant since = request.queryParam("updated_since").map(Instant::parse).orElse(Instant.MIN);
        Instant before = request.queryParam("updated_before").map(Instant::parse).orElse(Instant.MAX);
        String after = request.queryParam("after").orElse("");
        int limit = Integer.parseInt(request.queryParam("limit").orElse("100"));
        int visible = released.get();
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode data = body.putArray("data");
        String last = null;
        boolean more = false;
        for (int i = 0; i < visible; i++) {
            ObjectNode item = polled.get(i);
            String id = item.get("id").asText();
            Instant updated = Instant.parse(item.get("updated_at").asText());
            if (!updated.isBefore(before)) {
                break; // in updated_at order: the rest is later still
            }
            if (updated.isBefore(since) || id.compareTo(after) <= 0) {
                continue;
            }
            if (data.size() == limit) {
                more = true;
                break;
            }
            data.add(item);
            last = id;
        }
        body.put("next", more ? last : null);
        return FakeApi.Reply.json(200, Json.write(body));
    }
}
