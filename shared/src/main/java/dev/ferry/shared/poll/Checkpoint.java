package dev.ferry.shared.poll;

import dev.ferry.shared.spec.paging.ListPlan;

/**
 * Where a run stands between pages; it travels in a continuation message when a run hands over to a
 * follow-up invocation. It holds no credentials: auth headers are added per request.
 *
 * @param runId         the run (and lease owner)
 * @param integration   the integration polled
 * @param leaseKind     the lease the run holds (schedule)
 * @param traceId       the trace id of the scheduled event that started the run
 * @param cursorVersion the cursor version the run read; its commit expects it unchanged
 * @param base          the committed cursor the window starts from (or the spec's initial value)
 * @param queryFrom     what was sent in the cursor parameter (timestamps: less the lookback)
 * @param to            the window's end (timestamp cursors)
 * @param capped        the window ends before the run's start (maxWindow)
 * @param nextUrl       the next page to read
 * @param pages         pages read so far in this window
 * @param queued        records queued so far
 * @param newest        the newest cursor value seen so far (or the latest token)
 * @param invocations   invocations the run has taken so far
 * @param waits         hand-overs in a row because the source asked to wait (throttled, budget, open circuit)
 */
public record Checkpoint(String runId, String integration, String leaseKind, String traceId, long cursorVersion,
                         String base, String queryFrom, String to, boolean capped, String nextUrl, int pages, int queued,
                         String newest, int invocations, int waits) {

    public Checkpoint(String runId, String integration, String leaseKind, String traceId, long cursorVersion,
                      String base, String queryFrom, String to, boolean capped, String nextUrl, int pages, int queued,
                      String newest, int invocations) {
        this(runId, integration, leaseKind, traceId, cursorVersion, base, queryFrom, to, capped, nextUrl, pages, queued,
                newest, invocations, 0);
    }

    Checkpoint afterPage(String next, int more, String newestNow) {
        return new Checkpoint(runId, integration, leaseKind, traceId, cursorVersion, base, queryFrom, to, capped, next,
                pages + 1, queued + more, newestNow, invocations, 0);
    }

    Checkpoint nextInvocation() {
        return new Checkpoint(runId, integration, leaseKind, traceId, cursorVersion, base, queryFrom, to, capped, nextUrl,
                pages, queued, newest, invocations + 1, waits);
    }

    Checkpoint waited() {
        return new Checkpoint(runId, integration, leaseKind, traceId, cursorVersion, base, queryFrom, to, capped, nextUrl,
                pages, queued, newest, invocations, waits + 1);
    }

    ListPlan.Window window() {
        return new ListPlan.Window(queryFrom, to, base, capped);
    }
}
