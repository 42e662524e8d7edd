package dev.ferry.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.FakeApi;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A paginating source API on a {@link FakeApi}: one data set served four ways (keyset next token,
 * offset, page number, Link headers), each with its own timestamp format, filtered by a since/until
 * window like real "updated since" endpoints, sorted by (updated_at, id). Records can change while a
 * run reads them; every version ever served is remembered.
 */
final class PagingSource {

    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final DateTimeFormatter NY_PATTERN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(NEW_YORK);

    record Item(String id, Instant updatedAt, String name) {
    }

    private final Map<String, Item> items = new TreeMap<>();
    private final Set<String> versionsEverHeld = new HashSet<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger pagesServed = new AtomicInteger();
    private final dev.ferry.testing.Arrivals arrivals = new dev.ferry.testing.Arrivals();
    private final java.util.concurrent.ConcurrentHashMap<Integer, Integer> throttleOnce = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile IntConsumer beforePage = page -> {
    };

    PagingSource(FakeApi api) {
        api.on("GET", "/keyset/items", r -> serve("keyset", r));
        api.on("GET", "/offset/items", r -> serve("offset", r));
        api.on("GET", "/page/items", r -> serve("page", r));
        api.on("GET", "/link/items", r -> serve("link", r));
    }

    /** {@code count} records, one every 37 seconds from {@code first}, ids r-0000.. */
    synchronized PagingSource fill(int count, Instant first) {
        for (int i = 0; i < count; i++) {
            put(new Item("r-%04d".formatted(i), first.plusSeconds(37L * i), "item " + i));
        }
        return this;
    }

    synchronized void put(Item item) {
        items.put(item.id(), item);
        versionsEverHeld.add(key(item));
    }

    synchronized Item get(String id) {
        return items.get(id);
    }

    synchronized List<Item> all() {
        return List.copyOf(items.values());
    }

    synchronized Instant newest() {
        return items.values().stream().map(Item::updatedAt).max(Comparator.naturalOrder()).orElseThrow();
    }

    synchronized Set<String> versionsEverHeld() {
        return Set.copyOf(versionsEverHeld);
    }

    static String key(Item item) {
        return item.id() + "@" + item.updatedAt();
    }

    /** Runs before the n-th page (1-based) is answered, outside the data lock. */
    void beforePage(IntConsumer hook) {
        this.beforePage = hook;
    }

    int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    int pagesServed() {
        return pagesServed.get();
    }

    /** When each request arrived. */
    dev.ferry.testing.Arrivals arrivals() {
        return arrivals;
    }

    /** The n-th request (1-based) is answered 429 with {@code Retry-After: seconds}, once. */
    void throttleOnce(int request, int retryAfterSeconds) {
        throttleOnce.put(request, retryAfterSeconds);
    }

    static String format(String variant, Instant t) {
        return switch (variant) {
            case "keyset" -> t.toString();
            case "offset" -> Long.toString(t.getEpochSecond());
            case "page" -> NY_PATTERN.format(t);
            default -> Long.toString(t.toEpochMilli());
        };
    }

    static Instant parse(String variant, String text) {
        return switch (variant) {
            case "keyset" -> Instant.parse(text);
            case "offset" -> Instant.ofEpochSecond(Long.parseLong(text));
            case "page" -> LocalDateTime.parse(text, NY_PATTERN).atZone(NEW_YORK).toInstant();
            default -> Instant.ofEpochMilli(Long.parseLong(text));
        };
    }

    /** The value a record's updated_at has on the wire in this variant (the idempotency key's version). */
    static String wire(String variant, Instant t) {
        return format(variant, t);
    }

    private FakeApi.Reply serve(String variant, FakeApi.RecordedRequest request) {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        arrivals.record();
        try {
            int n = pagesServed.incrementAndGet();
            Integer retryAfter = throttleOnce.remove(n);
            if (retryAfter != null) {
                return FakeApi.Reply.json(429, "{\"error\":\"slow down\"}").header("Retry-After", retryAfter.toString());
            }
            beforePage.accept(n);
            return answer(variant, request);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private synchronized FakeApi.Reply answer(String variant, FakeApi.RecordedRequest request) {
        String sinceParam = switch (variant) {
            case "keyset" -> "updated_since";
            case "offset" -> "since";
            case "page" -> "modified_after";
            default -> "since_ms";
        };
        Instant since = request.queryParam(sinceParam).map(v -> parse(variant, v)).orElse(Instant.MIN);
        Instant until = request.queryParam(variant.equals("keyset") ? "updated_before" : "until")
                .map(v -> parse(variant, v)).orElse(Instant.MAX);
        int limit = Integer.parseInt(request.queryParam(variant.equals("page") ? "per_page" : "limit").orElse("1000"));
        List<Item> window = items.values().stream()
                .filter(i -> !i.updatedAt().isBefore(since) && i.updatedAt().isBefore(until))
                .sorted(Comparator.comparing(Item::updatedAt).thenComparing(Item::id))
                .toList();
        List<Item> page;
        ObjectNode body = Json.MAPPER.createObjectNode();
        String link = null;
        switch (variant) {
            case "keyset", "link" -> {
                String after = request.queryParam(variant.equals("keyset") ? "after" : "cursor").orElse(null);
                List<Item> rest = after == null ? window : window.stream().filter(i -> sortKey(i).compareTo(after) > 0).toList();
                page = rest.subList(0, Math.min(limit, rest.size()));
                String next = rest.size() > page.size() ? sortKey(page.getLast()) : null;
                if (variant.equals("keyset")) {
                    body.put("next", next);
                } else if (next != null) {
                    String query = request.query().replaceAll("(^|&)cursor=[^&]*", "");
                    link = "</link/items?" + (query.startsWith("&") ? query.substring(1) : query) + "&cursor=" + next + ">; rel=\"next\"";
                }
            }
            case "offset" -> {
                int offset = Integer.parseInt(request.queryParam("offset").orElse("0"));
                page = window.subList(Math.min(offset, window.size()), Math.min(offset + limit, window.size()));
            }
            default -> {
                int number = Integer.parseInt(request.queryParam("page").orElse("1"));
                int from = (number - 1) * limit;
                page = window.subList(Math.min(from, window.size()), Math.min(from + limit, window.size()));
            }
        }
        ArrayNode data = body.putArray("data");
        for (Item item : page) {
            ObjectNode record = data.addObject();
            record.put("id", item.id());
            record.put("name", item.name());
            if (variant.equals("offset") || variant.equals("link")) {
                record.put("updated_at", Long.parseLong(format(variant, item.updatedAt())));
            } else {
                record.put("updated_at", format(variant, item.updatedAt()));
            }
        }
        FakeApi.Reply reply = FakeApi.Reply.json(200, Json.write(body));
        return link == null ? reply : reply.header("Link", link);
    }

    /** Sortable text of (updated_at, id): zero-padded epoch millis, then the id. */
    private static String sortKey(Item item) {
        return "%015d_%s".formatted(item.updatedAt().toEpochMilli(), item.id());
    }
}
