package dev.ferry.shared.poll;

import dev.ferry.shared.api.ApiClients;
import dev.ferry.shared.api.ApiRequest;
import dev.ferry.shared.spec.paging.ListPlan;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.metrics.RecordEvent;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.idempotency.IdempotencyKeys;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Polls an integration's source list: one run per integration at a time (a lease), reading a window
 * from the committed cursor page by page, queueing each page's records for transform, and committing
 * the cursor only after the whole window is queued. When the invocation's time runs low between pages
 * the run checkpoints and continues in a follow-up invocation through a continuation message on the
 * fetch queue. A crash before the commit leaves the cursor where it was: the next run re-reads the
 * window, and the deliver step's idempotency keys keep the repeats from being delivered again.
 */
public final class ScheduledPoller {

    private static final Logger LOG = Logger.getLogger(ScheduledPoller.class);

    /** The step whose metrics a poll's records count under. */
    public static final String STEP = "fetch";
    /** {@code source.trigger} of a continuation message on the fetch queue. */
    public static final String CONTINUATION = "poll-continuation";
    public static final String SCHEDULE_LEASE = "schedule";
    public static final String BACKFILL_LEASE = "backfill";
    /** Waits in a row (the source keeps throttling or its circuit stays open) before the run fails instead. */
    static final int MAX_WAITS = 100;
    /** A waiting run resumes at least this long before its lease would lapse. */
    static final int LEASE_MARGIN_SECONDS = 60;

    /** SUPERSEDED: a continuation found its window committed by another run meanwhile, and ended without reading. */
    public enum Status { COMPLETED, CONTINUED, BUSY, SUPERSEDED }

    /**
     * What one invocation of a run did.
     *
     * @param holder for BUSY: the run holding the lease
     * @param cursor the committed cursor after this invocation
     */
    public record Outcome(Status status, String integration, String runId, int pages, int queued, String cursor,
                          String holder) {
    }

    public record BackfillResult(String integration, int windows, int pages, int queued) {
    }

    private final IntegrationRegistry integrations;
    private final ApiClients apis;
    private final QueueSender sender;
    private final PollState state;
    private final FerryConfig config;
    private final Clock clock;
    private final PollHooks hooks;

    public ScheduledPoller(IntegrationRegistry integrations, ApiClients apis, QueueSender sender, PollState state, FerryConfig config,
                           Clock clock, PollHooks hooks) {
        this.integrations = integrations;
        this.apis = apis;
        this.sender = sender;
        this.state = state;
        this.config = config;
        this.clock = clock;
        this.hooks = hooks;
    }

    public ScheduledPoller withHooks(PollHooks newHooks) {
        return new ScheduledPoller(integrations, apis, sender, state, config, clock, newHooks);
    }

    public PollState state() {
        return state;
    }

    private Duration leaseDuration() {
        return Duration.ofSeconds(config.intValue(FerryConfig.POLL_LEASE_SECONDS, 960));
    }

    private long reserveMillis() {
        return config.intValue(FerryConfig.POLL_RESERVE_MS, 30_000);
    }

    private IntegrationSpec listSpec(String name) {
        IntegrationSpec spec = integrations.require(name);
        if (spec.source() == null || spec.source().list() == null) {
            throw new IllegalArgumentException("integration '" + name + "' has no source.list to poll");
        }
        return spec;
    }

    /**
     * A scheduled run: takes the integration's lease (or reports BUSY), reads from the committed cursor.
     *
     * @param remainingMillis the invocation's remaining time (Lambda's {@code getRemainingTimeInMillis})
     */
    public Outcome start(String integration, String traceId, LongSupplier remainingMillis) {
        IntegrationSpec spec = listSpec(integration);
        ListPlan plan = ListPlan.of(spec.source().list());
        String runId = UUID.randomUUID().toString();
        PollState.Lease lease = state.acquire(integration, SCHEDULE_LEASE, runId, leaseDuration());
        if (lease instanceof PollState.Lease.Busy busy) {
            LOG.infof("fetch %s: run %s skipped: run %s holds the lease until %s [trace %s]", integration, runId,
                    busy.holder(), busy.until(), traceId);
            return new Outcome(Status.BUSY, integration, runId, 0, 0, null, busy.holder());
        }
        try {
            PollState.Cursor committed = state.cursor(integration);
            String base = committed.value() != null ? committed.value() : plan.initialCursor();
            ListPlan.Window window = plan.window(base, clock.instant());
            Checkpoint start = new Checkpoint(runId, integration, SCHEDULE_LEASE, traceId, committed.version(), base,
                    window.queryFrom(), window.to(), window.capped(), plan.firstUrl(window), 0, 0, null, 1);
            LOG.infof("fetch %s: run %s reads from %s%s [trace %s]", integration, runId,
                    window.queryFrom() == null ? "the beginning" : window.queryFrom(),
                    window.to() == null ? "" : " to " + window.to(), traceId);
            return walk(spec, plan, start, remainingMillis);
        } catch (RuntimeException e) {
            state.release(integration, SCHEDULE_LEASE, runId);
            throw e;
        }
    }

    /** A continuation: the same run, from its checkpoint, if it still holds (or can retake) its lease. */
    public Outcome resume(Checkpoint checkpoint, LongSupplier remainingMillis) {
        String integration = checkpoint.integration();
        IntegrationSpec spec = listSpec(integration);
        ListPlan plan = ListPlan.of(spec.source().list());
        PollState.Lease lease = state.acquire(integration, checkpoint.leaseKind(), checkpoint.runId(), leaseDuration());
        if (lease instanceof PollState.Lease.Busy busy) {
            LOG.warnf("fetch %s: continuation of run %s dropped: its lease lapsed and run %s took over (it re-reads from"
                    + " the committed cursor) [trace %s]", integration, checkpoint.runId(), busy.holder(), checkpoint.traceId());
            return new Outcome(Status.BUSY, integration, checkpoint.runId(), 0, 0, null, busy.holder());
        }
        try {
            // The lease lapsed and another run read and committed meanwhile: this window is stale. Reading on would queue
            // its records again only for the commit to fail, and the continuation would be dead-lettered for nothing.
            long version = state.cursor(integration).version();
            if (version != checkpoint.cursorVersion()) {
                state.release(integration, checkpoint.leaseKind(), checkpoint.runId());
                LOG.warnf("fetch %s: continuation of run %s dropped: another run committed the cursor meanwhile (version %d, this"
                        + " run read %d) [trace %s]", integration, checkpoint.runId(), version, checkpoint.cursorVersion(),
                        checkpoint.traceId());
                return new Outcome(Status.SUPERSEDED, integration, checkpoint.runId(), 0, 0, null, null);
            }
            return walk(spec, plan, checkpoint.nextInvocation(), remainingMillis);
        } catch (RuntimeException e) {
            state.release(integration, checkpoint.leaseKind(), checkpoint.runId());
            throw e;
        }
    }

    private Outcome walk(IntegrationSpec spec, ListPlan plan, Checkpoint cp, LongSupplier remainingMillis) {
        String name = spec.name();
        int pagesHere = 0;
        int queuedHere = 0;
        while (cp.nextUrl() != null) {
            if (pagesHere > 0 && remainingMillis.getAsLong() < reserveMillis()) {
                handOver(cp, 0);
                lag(cp).ifPresent(lag -> Invocation.current().metrics().pollLag(name, lag)); // a long run shows it falls behind
                LOG.infof("fetch %s: run %s checkpointed after %d pages (%d records) with %d ms left; continues in a"
                        + " follow-up invocation [trace %s]", name, cp.runId(), cp.pages(), cp.queued(),
                        remainingMillis.getAsLong(), cp.traceId());
                return new Outcome(Status.CONTINUED, name, cp.runId(), pagesHere, queuedHere, cp.base(), null);
            }
            if (cp.pages() >= plan.maxPages()) {
                throw StepFailure.permanent("integration '" + name + "': more than " + plan.maxPages()
                        + " pages in one window; raise source.list.pagination.maxPages or set cursor.maxWindow");
            }
            Page page;
            try {
                page = readPage(spec, plan, cp, "schedule", this::queueForTransform);
            } catch (StepFailure f) {
                if (!f.isWait() || cp.waits() >= MAX_WAITS) {
                    throw f;
                }
                // The source asked us to wait (429, our share of its budget is spent, its circuit is open): the run
                // keeps its lease and position and continues after the wait — the function never sleeps it out.
                // Never past the run's lease (a longer wait is taken in steps), so no other run takes over meanwhile.
                int wait = (int) Math.min(f.waitSeconds(), Math.max(1, leaseDuration().toSeconds() - LEASE_MARGIN_SECONDS));
                handOver(cp.waited(), wait);
                lag(cp).ifPresent(lag -> Invocation.current().metrics().pollLag(name, lag));
                LOG.infof("fetch %s: run %s waits %d s before page %d: %s [trace %s]", name, cp.runId(), wait,
                        cp.pages() + 1, f.getMessage(), cp.traceId());
                return new Outcome(Status.CONTINUED, name, cp.runId(), pagesHere, queuedHere, cp.base(), null);
            }
            String next = advancing(name, cp.nextUrl(), plan.nextUrl(cp.nextUrl(), page.body(), page.records(), page.links()));
            cp = cp.afterPage(next, page.queued(), page.newest());
            pagesHere++;
            queuedHere += page.queued();
        }
        hooks.beforeCursorCommit(cp);
        String cursor = plan.cursorAfter(cp.window(), cp.newest());
        String committed = cp.base();
        if (cursor != null && !cursor.equals(cp.base())) {
            long version = state.commit(name, cp.leaseKind(), cp.runId(), cp.cursorVersion(), cursor, cp.runId());
            committed = cursor;
            LOG.infof("fetch %s: run %s committed cursor %s (version %d)", name, cp.runId(), cursor, version);
        }
        state.release(name, cp.leaseKind(), cp.runId());
        Invocation.current().metrics().pollRun(name, cp.queued(), cp.pages(), lag(cp).orElse(null));
        LOG.infof("fetch %s: run %s completed: %d pages, %d records queued for transform in %d invocation(s) [trace %s]",
                name, cp.runId(), cp.pages(), cp.queued(), cp.invocations(), cp.traceId());
        return new Outcome(Status.COMPLETED, name, cp.runId(), pagesHere, queuedHere, committed, null);
    }

    /** The next page's URL, unless it is the page just read: then the source is not advancing, and the run fails. */
    private static String advancing(String integration, String current, String next) {
        if (next != null && next.equals(current)) {
            throw StepFailure.permanent("integration '" + integration + "': pagination does not advance (the next page is "
                    + HttpCaller.redactQuery(next) + " again)");
        }
        return next;
    }

    /**
     * How far behind now the source has been read: now less the window's end (the run's start,
     * or less when maxWindow capped the window); null for cursors that are not timestamps. Not now less the cursor: a
     * quiet source leaves its cursor at its last record however current the poll is.
     */
    private java.util.Optional<Duration> lag(Checkpoint cp) {
        if (cp.to() == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Duration.between(Instant.parse(cp.to()), clock.instant()));
        } catch (java.time.format.DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }

    /** The run goes on in a follow-up invocation (a continuation on the fetch queue) after {@code delaySeconds}. */
    private void handOver(Checkpoint cp, int delaySeconds) {
        state.acquire(cp.integration(), cp.leaseKind(), cp.runId(), leaseDuration()); // renew: it covers SQS' longest delay
        Envelope continuation = Envelope.fresh(cp.integration(), "poll-run-" + cp.runId(), null, cp.traceId(),
                new Envelope.SourceInfo(CONTINUATION, cp.runId(), clock.instant(), false), Json.MAPPER.valueToTree(cp));
        sender.send(config.queueUrl(FerryConfig.Queue.FETCH), continuation, delaySeconds);
    }

    private record Page(JsonNode body, int records, int queued, String newest, List<String> links) {
    }

    private void queueForTransform(List<Envelope> envelopes) {
        sender.sendAll(config.queueUrl(FerryConfig.Queue.TRANSFORM), envelopes);
        if (!envelopes.isEmpty()) { // counted once they are on the queue, as every step counts what it forwarded
            Invocation.current().metrics().forwarded(envelopes.getFirst().integration(), STEP, envelopes.size());
            envelopes.forEach(e -> Invocation.current().metrics().seen(STEP, e, RecordEvent.Outcome.FORWARDED, 1, "polled, queued for transform"));
        }
    }

    /** Reads one page, hands its records to {@code sink} (the transform queue), and answers what the cursor learned from it. */
    private Page readPage(IntegrationSpec spec, ListPlan plan, Checkpoint cp, String trigger, Consumer<List<Envelope>> sink) {
        String url = cp.nextUrl();
        // Every kind of credential (query keys, signatures too), a retry after a 401/403, and the source's shared
        // budget, circuit, timeout and quick retries: the source's client.
        HttpCaller.Response response = apis.source(spec).send(ApiRequest.get(url).withTrace(cp.traceId()));
        // Strict JSON: a page that is not one valid document fails the run (permanent), naming the page; none of its
        // records is queued and the cursor stays where it was.
        JsonNode body = response.json("'" + spec.name() + "' " + trigger + " run " + cp.runId() + ", page " + (cp.pages() + 1)
                + ": GET " + HttpCaller.redactQuery(url));
        JsonNode records = plan.records(body);
        if (!records.isArray()) {
            throw StepFailure.permanent("GET " + HttpCaller.redactQuery(url) + ": no array of records at '"
                    + (plan.recordsPath() == null ? "" : plan.recordsPath()) + "'");
        }
        String newest = cp.newest();
        List<Envelope> envelopes = new ArrayList<>();
        for (JsonNode record : records) {
            String recordId = Json.textAt(record, spec.source().recordId());
            if (recordId == null) {
                LOG.errorf("fetch %s: a record on page %d of run %s has no id at %s; not queued [trace %s]", spec.name(),
                        cp.pages() + 1, cp.runId(), spec.source().recordId(), cp.traceId());
                continue;
            }
            try {
                newest = plan.later(newest, plan.cursorValue(record));
            } catch (IllegalArgumentException e) {
                LOG.errorf("fetch %s: record %s has an unreadable cursor value (%s); queued, but it does not move the"
                        + " cursor [trace %s]", spec.name(), recordId, e.getMessage(), cp.traceId());
            }
            envelopes.add(Envelope.fresh(spec.name(), recordId, IdempotencyKeys.forRecord(spec, recordId, record), null,
                    new Envelope.SourceInfo(trigger, cp.runId(), clock.instant(), false), record));
        }
        String token = plan.tokenFrom(body);
        if (token != null) {
            newest = token;
        }
        sink.accept(envelopes);
        List<String> links = new ArrayList<>();
        response.headers().forEach((k, v) -> {
            if (k != null && k.equalsIgnoreCase("Link")) {
                links.addAll(v);
            }
        });
        return new Page(body, records.size(), envelopes.size(), newest, links);
    }

    /**
     * A one-off run over {@code [from, to)}, window by window ({@code cursor.maxWindow} each, or the whole
     * range), through the same paging and queueing as a schedule. It holds its own lease (one backfill per
     * integration at a time), never moves the schedule's cursor, and reports progress after every page.
     * Records it queues that were delivered before are skipped by deliver's idempotency keys.
     */
    public BackfillResult backfill(String integration, Instant from, Instant to, BackfillListener listener) {
        IntegrationSpec spec = listSpec(integration);
        ListPlan plan = ListPlan.of(spec.source().list());
        if (plan.cursorType() != ListPlan.CursorType.TIMESTAMP || !plan.hasUntilParam()) {
            throw new IllegalArgumentException("integration '" + integration + "': a backfill needs a timestamp cursor with"
                    + " untilParam (source.list.cursor), so a window can be asked for");
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("backfill of '" + integration + "': from " + from + " must be before to " + to);
        }
        Duration step = plan.maxWindow() == null ? Duration.between(from, to) : plan.maxWindow();
        int windows = (int) Math.min(Integer.MAX_VALUE,
                (Duration.between(from, to).toMillis() + step.toMillis() - 1) / step.toMillis());
        String runId = "backfill-" + UUID.randomUUID();
        if (state.acquire(integration, BACKFILL_LEASE, runId, leaseDuration()) instanceof PollState.Lease.Busy busy) {
            throw new IllegalStateException("integration '" + integration + "': backfill " + busy.holder()
                    + " is running (lease until " + busy.until() + ")");
        }
        int pages = 0;
        int queued = 0;
        try {
            Instant windowFrom = from;
            for (int w = 0; w < windows; w++) {
                Instant windowTo = windowFrom.plus(step).isAfter(to) ? to : windowFrom.plus(step);
                ListPlan.Window window = new ListPlan.Window(windowFrom.toString(), windowTo.toString(), null, true);
                Checkpoint cp = new Checkpoint(runId, integration, BACKFILL_LEASE, runId, 0, null, window.queryFrom(),
                        window.to(), true, plan.firstUrl(window), 0, 0, null, 1);
                while (cp.nextUrl() != null) {
                    if (cp.pages() >= plan.maxPages()) {
                        throw StepFailure.permanent("integration '" + integration + "': more than " + plan.maxPages()
                                + " pages in one backfill window; raise maxPages or lower cursor.maxWindow");
                    }
                    Page page;
                    try {
                        page = readPage(spec, plan, cp, "backfill", this::queueForTransform);
                    } catch (StepFailure f) {
                        if (!f.isWait() || cp.waits() >= MAX_WAITS) {
                            throw f;
                        }
                        // A backfill runs in an operator's process, not a Lambda: it waits in place.
                        LOG.infof("backfill %s: waiting %d s: %s", integration, f.waitSeconds(), f.getMessage());
                        pause(f.waitSeconds());
                        cp = cp.waited();
                        continue;
                    }
                    // Checked here too: a backfill that followed a page naming itself would queue it maxPages times.
                    cp = cp.afterPage(advancing(integration, cp.nextUrl(), plan.nextUrl(cp.nextUrl(), page.body(), page.records(),
                            page.links())), page.queued(), page.newest());
                    pages++;
                    queued += page.queued();
                    state.acquire(integration, BACKFILL_LEASE, runId, leaseDuration());
                    boolean done = w == windows - 1 && cp.nextUrl() == null;
                    listener.progress(new BackfillListener.Progress(windowFrom, windowTo, cp.nextUrl() == null ? w + 1 : w,
                            windows, pages, queued, done));
                }
                LOG.infof("backfill %s: window %d/%d [%s, %s) read: %d records queued so far", integration, w + 1, windows,
                        windowFrom, windowTo, queued);
                windowFrom = windowTo;
            }
        } finally {
            state.release(integration, BACKFILL_LEASE, runId);
        }
        return new BackfillResult(integration, windows, pages, queued);
    }

    /**
     * One page a dry run read.
     *
     * @param records  the page's records as they would be queued for transform
     * @param withoutId how many of the page's records have no id at {@code source.recordId} (a run skips them)
     */
    public record DryPage(int page, String url, List<Envelope> records, int withoutId) {
    }

    /**
     * What a dry run read.
     *
     * @param from    where the window starts ({@code null}: the beginning)
     * @param cursor  where that start came from: the committed cursor, the initial one, or {@code --from}
     * @param limited true when it stopped at {@code maxRecords} before the window's end
     */
    public record DryRun(String integration, String from, String to, String cursor, int pages, int records, boolean limited) {
    }

    /**
     * A dry run of a scheduled read: the pages a run would read now (from the committed cursor, or over {@code [from, to)}
     * when given), with the same auth, paging, window and limits, each page handed to {@code listener} instead of the
     * transform queue. It takes no lease, queues nothing and commits no cursor; a wait the source asks for is waited
     * out in place (an operator's process, not a Lambda). Stops after the page that reaches {@code maxRecords}.
     */
    public DryRun dryRun(String integration, Instant from, Instant to, int maxRecords, Consumer<DryPage> listener) {
        IntegrationSpec spec = listSpec(integration);
        ListPlan plan = ListPlan.of(spec.source().list());
        String cursorNote;
        ListPlan.Window window;
        if (from != null || to != null) {
            if (plan.cursorType() != ListPlan.CursorType.TIMESTAMP) {
                throw new IllegalArgumentException("integration '" + integration + "': --from/--to need a timestamp cursor"
                        + " (source.list.cursor type timestamp)");
            }
            Instant end = to != null ? to : clock.instant();
            if (from != null && !from.isBefore(end)) {
                throw new IllegalArgumentException("from " + from + " must be before to " + end);
            }
            window = new ListPlan.Window(from == null ? null : from.toString(), end.toString(), null, true);
            cursorNote = "--from/--to";
        } else {
            String committed;
            try {
                committed = state.cursor(integration).value();
                cursorNote = committed != null ? "committed cursor" : "initial cursor (none committed yet)";
            } catch (RuntimeException e) {
                committed = null;
                cursorNote = "initial cursor (state table not reachable: " + e.getClass().getSimpleName() + ")";
            }
            window = plan.window(committed != null ? committed : plan.initialCursor(), clock.instant());
        }
        String runId = "plan-" + UUID.randomUUID();
        Checkpoint cp = new Checkpoint(runId, integration, "plan", runId, 0, window.base(), window.queryFrom(), window.to(),
                window.capped(), plan.firstUrl(window), 0, 0, null, 1);
        int records = 0;
        while (cp.nextUrl() != null && records < maxRecords) {
            if (cp.pages() >= plan.maxPages()) {
                throw StepFailure.permanent("integration '" + integration + "': more than " + plan.maxPages()
                        + " pages in one window; raise source.list.pagination.maxPages or set cursor.maxWindow");
            }
            List<Envelope> seen = new ArrayList<>();
            Page page;
            try {
                page = readPage(spec, plan, cp, "plan", seen::addAll);
            } catch (StepFailure f) {
                if (!f.isWait() || cp.waits() >= MAX_WAITS) {
                    throw f;
                }
                pause(f.waitSeconds());
                cp = cp.waited();
                continue;
            }
            String url = cp.nextUrl();
            String next = advancing(integration, url, plan.nextUrl(url, page.body(), page.records(), page.links()));
            cp = cp.afterPage(next, page.queued(), page.newest());
            records += page.records();
            listener.accept(new DryPage(cp.pages(), HttpCaller.redactQuery(url), List.copyOf(seen), page.records() - page.queued()));
        }
        return new DryRun(integration, window.queryFrom(), window.to(), cursorNote, cp.pages(), records, cp.nextUrl() != null);
    }

    private static void pause(int seconds) {
        try {
            Thread.sleep(seconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("backfill interrupted while waiting for the source");
        }
    }
}
