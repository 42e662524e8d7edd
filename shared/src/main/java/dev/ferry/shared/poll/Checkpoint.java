package dev.ferry.shared.poll;

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
 */
public record Checkpoint(String runId, String integration, String leaseKind, String traceId, long cursorVersion,
                         String base, String queryFrom, String to, boolean capped, String nextUrl, int pages, int queued,
                         String newest, int invocations) {

    Checkpoint afterPage(String next, int more, String newestNow) {
        return new Checkpoint(runId, integration, leaseKind, traceId, cursorVersion, base, queryFrom, to, capped, next,
                pages + 1, queued + more, newestNow, invocations);
    }

    Checkpoint nextInvocation() {
        return new Checkpoint(runId, integration, leaseKind, traceId, cursorVersion, base, queryFrom, to, capped, nextUrl,
                pages, queued, newest, invocations + 1);
    }

    ListPlan.Window window() {
        return new ListPlan.Window(queryFrom, to, base, capped);
    }
}
