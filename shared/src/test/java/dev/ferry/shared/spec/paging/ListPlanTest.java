package dev.ferry.shared.spec.paging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.Options;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListPlanTest {

    /** An option by its YAML spelling. */
    static Options.PageType pt(String spelling) {
        return Options.PageType.valueOf(spelling.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    static Options.CursorType ct(String spelling) {
        return Options.CursorType.valueOf(spelling.toUpperCase(java.util.Locale.ROOT));
    }

    static IntegrationSpec.Pagination paging(String type, String tokenPath, String tokenParam, Integer limit, String hasMore) {
        return new IntegrationSpec.Pagination(pt(type), tokenPath, tokenParam, null, null, null, limit == null ? null : "limit", limit,
                hasMore, null);
    }

    static IntegrationSpec.Cursor timestamp(String format, String zone, String lookback, String maxWindow, String until) {
        return new IntegrationSpec.Cursor(ct("timestamp"), "/updated_at", "since", until, format, zone, lookback, maxWindow, null, null);
    }

    static JsonNode json(String s) throws Exception {
        return Json.MAPPER.readTree(s);
    }

    @Test
    void nextTokenPagingSetsTheTokenParameterAndStopsWhenTheTokenIsGone() throws Exception {
        ListPlan plan = ListPlan.of(new IntegrationSpec.ListRequest("http://x/items?a=1", "/data",
                paging("next-token", "/next", "after", 100, null), null));
        String first = plan.firstUrl(plan.window(null, Instant.now()));
        assertThat(first).isEqualTo("http://x/items?a=1&limit=100");
        String second = plan.nextUrl(first, json("{\"data\":[1],\"next\":\"t 2/+\"}"), 1, List.of());
        assertThat(second).isEqualTo("http://x/items?a=1&limit=100&after=t%202%2F%2B");
        assertThat(UrlQuery.get(second, "after")).contains("t 2/+");
        assertThat(plan.nextUrl(second, json("{\"data\":[1],\"next\":\"t3\"}"), 1, List.of())).endsWith("after=t3").doesNotContain("t%202");
        assertThat(plan.nextUrl(second, json("{\"data\":[1],\"next\":null}"), 1, List.of())).isNull();
        assertThat(plan.nextUrl(second, json("{\"data\":[1]}"), 1, List.of())).isNull();
    }

    @Test
    void nextTokenWithoutTokenParamIsANextUrlResolvedAgainstThePage() throws Exception {
        ListPlan plan = ListPlan.of(new IntegrationSpec.ListRequest("http://x/v1/items", "/data",
                paging("next-token", "/links/next", null, null, null), null));
        assertThat(plan.nextUrl("http://x/v1/items", json("{\"links\":{\"next\":\"/v1/items?cursor=9\"}}"), 3, List.of()))
                .isEqualTo("http://x/v1/items?cursor=9");
    }

    @Test
    void offsetPagingAdvancesByTheRecordsReceivedAndStopsOnAShortPage() throws Exception {
        ListPlan plan = ListPlan.of(new IntegrationSpec.ListRequest("http://x/items", "/data", paging("offset", null, null, 50, null), null));
        String first = plan.firstUrl(plan.window(null, Instant.now()));
        assertThat(first).isEqualTo("http://x/items?limit=50&offset=0");
        String second = plan.nextUrl(first, json("{}"), 50, List.of());
        assertThat(UrlQuery.get(second, "offset")).contains("50");
        assertThat(UrlQuery.get(plan.nextUrl(second, json("{}"), 50, List.of()), "offset")).contains("100");
        assertThat(plan.nextUrl(second, json("{}"), 49, List.of())).isNull();
        assertThat(plan.nextUrl(second, json("{}"), 0, List.of())).isNull();
    }

    @Test
    void pagePagingCountsPagesFromFirstPageAndHonoursHasMore() throws Exception {
        ListPlan plan = ListPlan.of(new IntegrationSpec.ListRequest("http://x/items", "/data",
                new IntegrationSpec.Pagination(pt("page"), null, null, null, "p", 0, "size", 10, "/more", null), null));
        String first = plan.firstUrl(plan.window(null, Instant.now()));
        assertThat(UrlQuery.get(first, "p")).contains("0");
        assertThat(UrlQuery.get(plan.nextUrl(first, json("{\"more\":true}"), 10, List.of()), "p")).contains("1");
        assertThat(plan.nextUrl(first, json("{\"more\":false}"), 10, List.of())).as("hasMore false ends the list").isNull();
        assertThat(plan.nextUrl(first, json("{}"), 10, List.of())).as("an absent hasMore ends the list").isNull();
    }

    @Test
    void linkHeaderPagingFollowsRelNextOnly() {
        ListPlan plan = ListPlan.of(new IntegrationSpec.ListRequest("http://x/items", "", paging("link-header", null, null, null, null), null));
        assertThat(plan.nextUrl("http://x/items", null, 5, List.of(
                "<http://x/items?page=1>; rel=\"first\", <http://x/items?page=3>; rel=\"prev last\"",
                "</items?page=2&x=a,b>; title=\"n, m\"; rel=\"next\""))).isEqualTo("http://x/items?page=2&x=a,b");
        assertThat(plan.nextUrl("http://x/items", null, 5, List.of("<http://x/items?page=9>; rel=last"))).isNull();
        assertThat(plan.nextUrl("http://x/items", null, 5, List.of())).isNull();
        assertThat(LinkHeader.next(List.of("<a>; REL=Next"))).isEqualTo("a");
    }

    @Test
    void timestampWindowStartsALookbackBeforeTheCursorAndIsCappedByMaxWindow() {
        ListPlan plan = ListPlan.of(new IntegrationSpec.ListRequest("http://x/items", "/data", null,
                timestamp("epoch-seconds", null, "PT5M", "PT1H", "until")));
        Instant now = Instant.parse("2026-11-23T12:00:00Z");
        ListPlan.Window open = plan.window("2026-11-23T11:30:00Z", now);
        assertThat(open.capped()).isFalse();
        assertThat(open.queryFrom()).isEqualTo("2026-11-23T11:25:00Z");
        assertThat(open.to()).isEqualTo(now.toString());
        String url = plan.firstUrl(open);
        assertThat(UrlQuery.get(url, "since")).contains(Long.toString(Instant.parse("2026-11-23T11:25:00Z").getEpochSecond()));
        assertThat(UrlQuery.get(url, "until")).contains(Long.toString(now.getEpochSecond()));

        ListPlan.Window capped = plan.window("2026-11-20T00:00:00Z", now);
        assertThat(capped.capped()).isTrue();
        assertThat(capped.to()).isEqualTo("2026-11-20T01:00:00Z");
        // A capped window was read to its end, with or without records in it.
        assertThat(plan.cursorAfter(capped, "2026-11-20T00:40:00Z")).isEqualTo("2026-11-20T01:00:00Z");
        assertThat(plan.cursorAfter(capped, null)).isEqualTo("2026-11-20T01:00:00Z");
        // An open window ends at the newest record seen, never before where it started.
        assertThat(plan.cursorAfter(open, "2026-11-23T11:50:00Z")).isEqualTo("2026-11-23T11:50:00Z");
        assertThat(plan.cursorAfter(open, "2026-11-23T11:27:00Z")).as("a record from the lookback").isEqualTo("2026-11-23T11:30:00Z");
        assertThat(plan.cursorAfter(open, null)).isEqualTo("2026-11-23T11:30:00Z");
    }

    @Test
    void idCursorComparesNumbersAsNumbersAndTokenCursorTakesTheLastPagesToken() throws Exception {
        ListPlan ids = ListPlan.of(new IntegrationSpec.ListRequest("http://x/items", "/data", null,
                new IntegrationSpec.Cursor(ct("id"), "/seq", "since_id", null, null, null, null, null, null, null)));
        assertThat(ids.later("99", "100")).isEqualTo("100");
        assertThat(ids.cursorValue(json("{\"seq\":1234}"))).isEqualTo("1234");
        assertThat(UrlQuery.get(ids.firstUrl(ids.window("77", Instant.now())), "since_id")).contains("77");
        assertThat(ids.cursorAfter(ids.window("77", Instant.now()), "80")).isEqualTo("80");

        ListPlan tokens = ListPlan.of(new IntegrationSpec.ListRequest("http://x/items", "/data", null,
                new IntegrationSpec.Cursor(ct("token"), null, "sync", null, null, null, null, null, null, "/sync_token")));
        assertThat(tokens.tokenFrom(json("{\"sync_token\":\"s-2\"}"))).isEqualTo("s-2");
        assertThat(tokens.cursorAfter(tokens.window("s-1", Instant.now()), "s-2")).isEqualTo("s-2");
        assertThat(tokens.cursorAfter(tokens.window("s-1", Instant.now()), null)).isEqualTo("s-1");
    }

    @Test
    void problemsNameThePathAndTheReason() {
        List<String[]> problems = ListPlan.problems(new IntegrationSpec.ListRequest("http://x", null,
                new IntegrationSpec.Pagination(null, null, null, null, null, null, null, null, null, null),
                new IntegrationSpec.Cursor(ct("timestamp"), "updated_at", null, null, "yyyy-MM-dd QQQQQQ",
                        "Mars/Base", "5 minutes", "P1D", "yesterday", null)));
        assertThat(problems).extracting(p -> p[0] + ": " + p[1])
                .anySatisfy(p -> assertThat(p).startsWith("source.list.pagination.type: is required: one of [none, next-token"))
                .anySatisfy(p -> assertThat(p).startsWith("source.list.cursor.param: is required"))
                .anySatisfy(p -> assertThat(p).startsWith("source.list.cursor.field: must be a JSON Pointer"))
                .anySatisfy(p -> assertThat(p).contains("cursor.zone: zone 'Mars/Base'"))
                .anySatisfy(p -> assertThat(p).startsWith("source.list.cursor.lookback: must be an ISO-8601 duration"))
                .anySatisfy(p -> assertThat(p).startsWith("source.list.cursor.maxWindow: needs untilParam"))
                .anySatisfy(p -> assertThat(p).startsWith("source.list.cursor.initial: must be an ISO-8601 instant"));
        assertThat(ListPlan.problems(new IntegrationSpec.ListRequest("http://x", null,
                paging("offset", null, null, null, null), new IntegrationSpec.Cursor(ct("id"), "/id", "since", "until", null, null, "PT1M", null, null, null))))
                .extracting(p -> p[0] + ": " + p[1])
                .containsExactlyInAnyOrder("source.list.pagination: offset paging needs limit (a short page ends the list) or hasMorePath",
                        "source.list.cursor.untilParam: only applies to a timestamp cursor",
                        "source.list.cursor.lookback: only applies to a timestamp cursor");
        assertThat(ListPlan.problems(new IntegrationSpec.ListRequest("http://x", "/data",
                paging("next-token", "/next", "after", 100, null), timestamp(null, null, "PT5M", null, null)))).isEmpty();
    }

    @Test
    void maxPagesDefaultsToTenThousand() {
        assertThat(ListPlan.of(new IntegrationSpec.ListRequest("http://x", null, null, null)).maxPages()).isEqualTo(10_000);
        assertThatThrownBy(() -> CursorFormat.of("iso-8601", "Nowhere/Place")).hasMessageContaining("Nowhere/Place");
    }
}
