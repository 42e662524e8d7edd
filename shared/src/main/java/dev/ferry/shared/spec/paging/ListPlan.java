package dev.ferry.shared.spec.paging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.Options;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A checked, ready-to-use form of a spec's {@code source.list}: how to build the first page's URL for a
 * window, how to find the next page's URL from a page, and what the cursor becomes after a window.
 */
public final class ListPlan {

    public enum PageType { NONE, NEXT_TOKEN, OFFSET, PAGE, LINK_HEADER }

    /** The spec's cursor types, and NONE: no cursor declared. */
    public enum CursorType { NONE, TIMESTAMP, ID, TOKEN }
    static final int DEFAULT_MAX_PAGES = 10_000;

    private final String url;
    private final String recordsPath;
    private final PageType pageType;
    private final IntegrationSpec.Pagination pagination;
    private final CursorType cursorType;
    private final IntegrationSpec.Cursor cursor;
    private final CursorFormat format;
    private final Duration lookback;
    private final Duration maxWindow;

    private ListPlan(IntegrationSpec.ListRequest list) {
        this.url = list.url();
        this.recordsPath = list.recordsPath();
        this.pagination = list.pagination();
        this.pageType = pagination == null || pagination.type() == null ? PageType.NONE
                : PageType.valueOf(pagination.type().name());
        this.cursor = list.cursor();
        this.cursorType = cursor == null ? CursorType.NONE : CursorType.valueOf(cursor.type().name());
        this.format = cursorType == CursorType.TIMESTAMP ? CursorFormat.of(cursor.format(), cursor.zone()) : null;
        this.lookback = cursor == null || cursor.lookback() == null ? Duration.ZERO : Duration.parse(cursor.lookback());
        this.maxWindow = cursor == null || cursor.maxWindow() == null ? null : Duration.parse(cursor.maxWindow());
    }

    /** The plan for a spec's list; the spec must have passed {@link #problems}. */
    public static ListPlan of(IntegrationSpec.ListRequest list) {
        return new ListPlan(list);
    }

    /** Problems with a list section, as (path, problem) pairs for the spec loader. */
    public static List<String[]> problems(IntegrationSpec.ListRequest list) {
        List<String[]> problems = new ArrayList<>();
        var pg = list.pagination();
        if (pg != null) {
            String at = "source.list.pagination";
            if (pg.type() == null) {
                problems.add(new String[]{at + ".type", "is required: one of " + Options.spellings(Options.PageType.class)});
            } else {
                if (pg.type() == Options.PageType.NEXT_TOKEN && pg.tokenPath() == null) {
                    problems.add(new String[]{at + ".tokenPath", "is required for next-token paging (a JSON Pointer to the next token or URL)"});
                }
                if (pg.limit() != null && pg.limitParam() == null) {
                    problems.add(new String[]{at + ".limitParam", "is required with limit (the query parameter the page size goes in)"});
                }
                if ((pg.type() == Options.PageType.OFFSET || pg.type() == Options.PageType.PAGE) && pg.limit() == null && pg.hasMorePath() == null) {
                    problems.add(new String[]{at, pg.type() + " paging needs limit (a short page ends the list) or hasMorePath"});
                }
            }
            if (pg.limit() != null && pg.limit() <= 0) {
                problems.add(new String[]{at + ".limit", "must be positive"});
            }
            if (pg.maxPages() != null && pg.maxPages() <= 0) {
                problems.add(new String[]{at + ".maxPages", "must be positive"});
            }
            pointer(problems, at + ".tokenPath", pg.tokenPath());
            pointer(problems, at + ".hasMorePath", pg.hasMorePath());
        }
        var c = list.cursor();
        if (c != null) {
            String at = "source.list.cursor";
            if (c.type() == null) {
                problems.add(new String[]{at + ".type", "is required: one of " + Options.spellings(Options.CursorType.class)});
                return problems;
            }
            if (c.param() == null) {
                problems.add(new String[]{at + ".param", "is required (the query parameter the cursor is sent in)"});
            }
            if (c.type() != Options.CursorType.TOKEN && c.field() == null) {
                problems.add(new String[]{at + ".field", "is required for a " + c.type() + " cursor (a JSON Pointer into each record)"});
            }
            if (c.type() == Options.CursorType.TOKEN && c.tokenPath() == null) {
                problems.add(new String[]{at + ".tokenPath", "is required for a token cursor (where the last page holds the next token)"});
            }
            pointer(problems, at + ".field", c.field());
            pointer(problems, at + ".tokenPath", c.tokenPath());
            if (c.type() != Options.CursorType.TIMESTAMP) {
                for (var e : Map.of("untilParam", c.untilParam() == null, "format", c.format() == null, "zone", c.zone() == null,
                        "lookback", c.lookback() == null, "maxWindow", c.maxWindow() == null).entrySet()) {
                    if (!e.getValue()) {
                        problems.add(new String[]{at + "." + e.getKey(), "only applies to a timestamp cursor"});
                    }
                }
                return problems;
            }
            try {
                CursorFormat.of(c.format(), c.zone());
            } catch (IllegalArgumentException e) {
                problems.add(new String[]{at + (e.getMessage().startsWith("zone") ? ".zone" : ".format"), e.getMessage()});
            }
            duration(problems, at + ".lookback", c.lookback());
            duration(problems, at + ".maxWindow", c.maxWindow());
            if (c.maxWindow() != null && c.untilParam() == null) {
                problems.add(new String[]{at + ".maxWindow", "needs untilParam: without it the source cannot be told where a window ends"});
            }
            if (c.initial() != null) {
                try {
                    Instant.parse(c.initial());
                } catch (RuntimeException e) {
                    problems.add(new String[]{at + ".initial", "must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, got '" + c.initial() + "'"});
                }
            }
        }
        return problems;
    }

    private static void pointer(List<String[]> problems, String at, String pointer) {
        if (pointer != null && !pointer.isEmpty() && !pointer.startsWith("/")) {
            problems.add(new String[]{at, "must be a JSON Pointer starting with '/', got '" + pointer + "'"});
        }
    }

    private static void duration(List<String[]> problems, String at, String value) {
        if (value == null) {
            return;
        }
        try {
            if (Duration.parse(value).isNegative() || Duration.parse(value).isZero()) {
                problems.add(new String[]{at, "must be a positive duration, got '" + value + "'"});
            }
        } catch (RuntimeException e) {
            problems.add(new String[]{at, "must be an ISO-8601 duration such as PT5M or P1D, got '" + value + "'"});
        }
    }

    // ----------------------------------------------------------------------------------- cursor

    public CursorType cursorType() {
        return cursorType;
    }

    public PageType pageType() {
        return pageType;
    }

    public Duration lookback() {
        return lookback;
    }

    public Duration maxWindow() {
        return maxWindow;
    }

    public boolean hasUntilParam() {
        return cursor != null && cursor.untilParam() != null;
    }

    public String recordsPath() {
        return recordsPath;
    }

    /** Where the first run starts when no cursor was committed yet (null: from the beginning). */
    public String initialCursor() {
        return cursor == null ? null : cursor.initial();
    }

    /**
     * The window a scheduled run reads: from the committed cursor (less the lookback) up to now, or up to
     * {@code cursor + maxWindow} when that is earlier.
     */
    public Window window(String committed, Instant now) {
        if (cursorType != CursorType.TIMESTAMP) {
            return new Window(committed, null, committed, false);
        }
        Instant from = committed == null ? null : Instant.parse(committed);
        Instant queryFrom = from == null ? null : from.minus(lookback);
        Instant to = now;
        if (from != null && maxWindow != null && from.plus(maxWindow).isBefore(now)) {
            to = from.plus(maxWindow);
        }
        return new Window(queryFrom == null ? null : queryFrom.toString(), to.toString(), committed, to.isBefore(now));
    }

    /**
     * @param queryFrom what goes in the cursor parameter (a timestamp already less the lookback, an id, a token)
     * @param to        timestamp: the window's end (ISO instant), sent in untilParam when declared
     * @param base      the committed cursor this window starts from
     * @param capped    the window ends before now (maxWindow): reading it fully moves the cursor to its end
     */
    public record Window(String queryFrom, String to, String base, boolean capped) {
    }

    /** The first page's URL for a window: cursor parameters and the first page's paging parameters. */
    public String firstUrl(Window window) {
        String u = url;
        if (cursorType != CursorType.NONE && window.queryFrom() != null) {
            String value = cursorType == CursorType.TIMESTAMP ? format.format(Instant.parse(window.queryFrom())) : window.queryFrom();
            u = UrlQuery.set(u, cursor.param(), value);
        }
        if (cursorType == CursorType.TIMESTAMP && cursor.untilParam() != null && window.to() != null) {
            u = UrlQuery.set(u, cursor.untilParam(), format.format(Instant.parse(window.to())));
        }
        if (pagination != null && pagination.limitParam() != null && pagination.limit() != null) {
            u = UrlQuery.set(u, pagination.limitParam(), Integer.toString(pagination.limit()));
        }
        if (pageType == PageType.OFFSET) {
            u = UrlQuery.set(u, offsetParam(), "0");
        } else if (pageType == PageType.PAGE) {
            u = UrlQuery.set(u, pageParam(), Integer.toString(firstPage()));
        }
        return u;
    }

    /** The records of one page; a page without an array there is an error naming the path. */
    public JsonNode records(JsonNode page) {
        return Json.at(page, recordsPath);
    }

    /**
     * The value a record contributes to the cursor (normalised: ISO instant for timestamps), or null when
     * this cursor is not read from records or the record has no such value.
     */
    public String cursorValue(JsonNode record) {
        if (cursorType != CursorType.TIMESTAMP && cursorType != CursorType.ID) {
            return null;
        }
        JsonNode value = Json.at(record, cursor.field());
        if (value == null || value.isMissingNode() || value.isNull() || !value.isValueNode()) {
            return null;
        }
        return cursorType == CursorType.TIMESTAMP ? format.parse(value).toString() : value.asText();
    }

    /** The later of two cursor values (either may be null). */
    public String later(String a, String b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return compare(a, b) >= 0 ? a : b;
    }

    int compare(String a, String b) {
        return switch (cursorType) {
            case TIMESTAMP -> Instant.parse(a).compareTo(Instant.parse(b));
            case ID -> isInteger(a) && isInteger(b) ? new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b)) : a.compareTo(b);
            default -> 0;
        };
    }

    private static boolean isInteger(String s) {
        return s.matches("-?\\d{1,100}");
    }

    /** For a token cursor: the next run's token found in this page, or null. */
    public String tokenFrom(JsonNode page) {
        return cursorType == CursorType.TOKEN ? Json.textAt(page, cursor.tokenPath()) : null;
    }

    /**
     * The cursor after a window was read completely: a capped window (maxWindow) moves it to the window's
     * end, since all of it was read; an open window (up to now) moves it to the newest record seen, as
     * records stamped just before now may still appear. It never moves backwards.
     */
    public String cursorAfter(Window window, String newestSeen) {
        return switch (cursorType) {
            case NONE -> null;
            case TOKEN -> newestSeen != null ? newestSeen : window.base();
            case ID -> later(window.base(), newestSeen);
            case TIMESTAMP -> window.capped() ? later(window.base(), window.to()) : later(window.base(), newestSeen);
        };
    }

    /** Formats an instant the way the source expects it (for backfill windows and logs). */
    public String formatForSource(Instant instant) {
        return format.format(instant);
    }

    // ----------------------------------------------------------------------------------- paging

    /**
     * The next page's URL after {@code page} was read from {@code currentUrl}, or null when it was the last.
     *
     * @param linkHeaders the values of the answer's {@code Link} headers
     */
    public String nextUrl(String currentUrl, JsonNode page, int recordCount, List<String> linkHeaders) {
        if (pageType == PageType.NONE) {
            return null;
        }
        if (pagination.hasMorePath() != null) {
            JsonNode more = Json.at(page, pagination.hasMorePath());
            if (!more.asBoolean(false)) {
                return null;
            }
        }
        switch (pageType) {
            case NEXT_TOKEN -> {
                String token = Json.textAt(page, pagination.tokenPath());
                if (token == null || token.isEmpty()) {
                    return null;
                }
                return pagination.tokenParam() == null ? URI.create(currentUrl).resolve(token).toString()
                        : UrlQuery.set(currentUrl, pagination.tokenParam(), token);
            }
            case LINK_HEADER -> {
                String next = LinkHeader.next(linkHeaders);
                return next == null ? null : URI.create(currentUrl).resolve(next).toString();
            }
            case OFFSET -> {
                if (lastByCount(recordCount)) {
                    return null;
                }
                long offset = UrlQuery.get(currentUrl, offsetParam()).map(Long::parseLong).orElse(0L);
                return UrlQuery.set(currentUrl, offsetParam(), Long.toString(offset + recordCount));
            }
            case PAGE -> {
                if (lastByCount(recordCount)) {
                    return null;
                }
                long number = UrlQuery.get(currentUrl, pageParam()).map(Long::parseLong).orElse((long) firstPage());
                return UrlQuery.set(currentUrl, pageParam(), Long.toString(number + 1));
            }
            default -> {
                return null;
            }
        }
    }

    private boolean lastByCount(int recordCount) {
        return recordCount == 0 || (pagination.limit() != null && recordCount < pagination.limit());
    }

    public int maxPages() {
        return pagination == null || pagination.maxPages() == null ? DEFAULT_MAX_PAGES : pagination.maxPages();
    }

    private String offsetParam() {
        return pagination.offsetParam() == null ? "offset" : pagination.offsetParam();
    }

    private String pageParam() {
        return pagination.pageParam() == null ? "page" : pagination.pageParam();
    }

    private int firstPage() {
        return pagination.firstPage() == null ? 1 : pagination.firstPage();
    }

    /** The zone timestamps are read and written in (for docs and tests). */
    public ZoneId zone() {
        return format == null ? null : format.zone();
    }
}
