package dev.ferry.local.chaos;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.deliver.DeliverFunction;
import dev.ferry.fetch.FetchFunction;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.Failure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.poll.Checkpoint;
import dev.ferry.shared.poll.PollHooks;
import dev.ferry.shared.replay.Replayer;
import dev.ferry.shared.steps.FetchStep;
import dev.ferry.testing.Await;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.LocalLambdaContext;
import dev.ferry.testing.SqsEventSource;
import dev.ferry.transform.TransformFunction;
import dev.ferry.webhook.WebhookFunction;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One chaos run (see the package): {@link Options#records} records — four in ten as full-record webhooks, three as
 * thin webhooks, three through a paginating poll — through {@link Options#workers} instances of every step, each its
 * own Ferry runtime whose AWS clients crash it at the step boundaries ({@link CrashingClients}); the answer is the
 * {@link Account} of every record.
 */
public final class ChaosRun {

    static final String[] ORIGINS = {"full", "thin", "poll"};
    static final List<FerryConfig.Queue> PIPELINE = List.of(FerryConfig.Queue.FETCH, FerryConfig.Queue.TRANSFORM,
            FerryConfig.Queue.DELIVER);
    static final List<FerryConfig.Queue> DEAD_LETTERS = List.of(FerryConfig.Queue.FETCH_DLQ, FerryConfig.Queue.TRANSFORM_DLQ,
            FerryConfig.Queue.DELIVER_DLQ);

    /**
     * @param records    record versions in all (at least 10)
     * @param seed       seeds every roll of the dice (printed with the account)
     * @param workers    instances per step
     * @param crashRate  chance of a crash at each crash point passed
     * @param pollCommitCrashRate share of poll runs that crash before committing their cursor (every 1/rate-th run that gets
     *                   there; every 15th page served also crashes before it is queued)
     * @param deadline   the whole run's limit; a run that has not settled by then fails its account
     */
    public record Options(int records, long seed, int workers, double crashRate, double pollCommitCrashRate,
                          double redeliveryRate, ChaosDestination.Rates destination, double sourceErrors, Duration deadline) {

        /** The fault mix: 20% 500, 5% 429, 1% past the timeout, 1% dropped connections; 1% crashes per point. */
        public static Options standard(int records, long seed) {
            return new Options(records, seed, 4, 0.01, 0.25, 0.1, new ChaosDestination.Rates(0.20, 0.05, 0.01, 0.01), 0.03,
                    Duration.ofMinutes(Math.max(5, records / 400)));
        }
    }

    static final Duration PROGRESS_EVERY = Duration.ofSeconds(Long.getLong("ferry.chaos.progress-seconds", 5));

    private final Options options;
    private final Faults faults;
    private final AtomicLong pollRuns = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private java.util.concurrent.atomic.AtomicBoolean crashNextPage = new java.util.concurrent.atomic.AtomicBoolean();
    private final Map<String, AtomicLong> pollStatuses = new java.util.concurrent.ConcurrentHashMap<>();

    private ChaosRun(Options options) {
        this.options = options;
        this.faults = new Faults(options.seed());
    }

    /** Runs one chaos run on fresh emulators and fake APIs; never throws for what it finds: the account says. */
    public static Account run(Options options) {
        if (options.records() < 10) {
            throw new IllegalArgumentException("a chaos run needs at least 10 records, got " + options.records());
        }
        Logger ferryLog = Logger.getLogger("dev.ferry");
        Level before = ferryLog.getLevel();
        // Every retry and deferral is logged at INFO/WARN; under this many faults that is noise. Errors still show.
        ferryLog.setLevel(Level.parse(System.getProperty("ferry.chaos.log", "SEVERE")));
        try {
            return new ChaosRun(options).go();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ferryLog.setLevel(before);
        }
    }

    private Account go() throws IOException {
        long started = System.nanoTime();
        int nFull = options.records() * 4 / 10;
        int nThin = options.records() * 3 / 10;
        int nPoll = options.records() - nFull - nThin;
        Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));
        // origin/id -> version; a polled record's version is set when it appears at the source
        Map<String, String> expected = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        Map<String, String> fullBodies = new LinkedHashMap<>();
        Map<String, ObjectNode> thinRecords = new HashMap<>();
        List<ObjectNode> polled = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < nFull; i++, n++) {
            ObjectNode r = record("f-%06d".formatted(i), base.plusSeconds(n), n);
            expected.put("full/" + r.get("id").asText(), r.get("updated_at").asText());
            fullBodies.put(r.get("id").asText(), Json.write(r));
        }
        for (int i = 0; i < nThin; i++, n++) {
            ObjectNode r = record("t-%06d".formatted(i), base.plusSeconds(n), n);
            expected.put("thin/" + r.get("id").asText(), r.get("updated_at").asText());
            thinRecords.put(r.get("id").asText(), r);
        }
        for (int i = 0; i < nPoll; i++, n++) {
            ObjectNode r = record("p-%06d".formatted(i), base.plusSeconds(n), n);
            expected.put("poll/" + r.get("id").asText(), r.get("updated_at").asText());
            polled.add(r);
        }

        Path specs = Files.createTempDirectory("ferry-chaos-specs");
        for (String origin : ORIGINS) {
            try (InputStream in = ChaosRun.class.getResourceAsStream("/chaos/integrations/chaos-" + origin + ".yaml")) {
                if (in == null) {
                    throw new IllegalStateException("chaos spec chaos-" + origin + ".yaml is not on the classpath");
                }
                Files.write(specs.resolve("chaos-" + origin + ".yaml"), in.readAllBytes());
            }
        }
        String webhookKey = "chaos-webhook-" + UUID.randomUUID();
        String token = "chaos-token-" + UUID.randomUUID();
        List<AutoCloseable> closing = new ArrayList<>();
        try (AwsEmulators aws = AwsEmulators.builder().visibilityTimeoutSeconds(15).maxReceiveCount(5).start();
             FakeApi sourceApi = FakeApi.start();
             FakeApi destinationApi = FakeApi.start()) {
            aws.putSecret("ferry/chaos/webhook", "{\"key\":\"" + webhookKey + "\"}");
            aws.putSecret("ferry/chaos/destination", "{\"token\":\"" + token + "\"}");
            ChaosSource source = new ChaosSource(sourceApi, faults, options.sourceErrors(), thinRecords, polled, expected);
            crashNextPage = source.crashNextPage;
            // One record in 500 (at least two) the destination refuses until an operator fixes it: dead-lettered, then replayed.
            java.util.Set<String> poisoned = new java.util.TreeSet<>();
            List<String> all = new ArrayList<>(expected.keySet());
            while (poisoned.size() < Math.max(2, all.size() / 500)) {
                poisoned.add(all.get(faults.nextInt(all.size())));
            }
            ChaosDestination destination = new ChaosDestination(faults, token, options.destination(), expected, poisoned);
            destinationApi.on("PUT", "/*", destination);

            Map<String, String> config = new HashMap<>(aws.config());
            config.put(FerryConfig.LOCAL_MODE, "true");
            config.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
            config.put("chaos.destination.url", destinationApi.baseUrl());
            config.put("chaos.source.url", sourceApi.baseUrl());
            config.put("chaos.poll.initial", Instant.now().minus(Duration.ofMinutes(1)).toString());
            config.put(FerryConfig.RETRY_BASE_DELAY, "0");
            config.put(FerryConfig.MAX_ATTEMPTS, "10");
            config.put(FerryConfig.LEASE_SECONDS, "6");
            config.put(FerryConfig.POLL_LEASE_SECONDS, "6");
            Map<String, String> queueIds = new HashMap<>();
            for (FerryConfig.Queue q : FerryConfig.Queue.values()) {
                queueIds.put(aws.queueUrl(q), q.id());
            }

            List<RequestStreamHandler> webhooks = new ArrayList<>();
            List<RequestStreamHandler> schedulers = new ArrayList<>();
            for (int i = 0; i < options.workers(); i++) {
                // Webhooks arrive as concurrent HTTP requests: two instances per worker slot keep the provider's side busy.
                webhooks.add(new WebhookFunction(runtime(config, CrashingClients.Role.WEBHOOK, queueIds, aws).webhookStep()));
                webhooks.add(new WebhookFunction(runtime(config, CrashingClients.Role.WEBHOOK, queueIds, aws).webhookStep()));
                FerryRuntime fetch = runtime(config, CrashingClients.Role.FETCH, queueIds, aws);
                FetchFunction fetchFunction = new FetchFunction(new FetchStep(fetch.integrations(), fetch.apiClients(),
                        fetch.queueSender(), fetch.config(), Clock.systemUTC(), fetch.poller().withHooks(new PollHooks() {
                            @Override
                            public void beforeCursorCommit(Checkpoint checkpoint) {
                                // Counted, not rolled, like the page crashes: a CI-size run has only a few dozen commits.
                                long every = Math.max(2, Math.round(1 / options.pollCommitCrashRate()));
                                if (commits.incrementAndGet() % every == 0 && faults.enabled()) {
                                    String point = "poll: between queueing its pages and committing the cursor";
                                    faults.count("crash: " + point);
                                    throw new Crash(point);
                                }
                            }
                        })));
                schedulers.add(fetchFunction);
                closing.add(source(aws, FerryConfig.Queue.FETCH, fetchFunction, "chaos-fetch-" + i).start());
                FerryRuntime transform = runtime(config, CrashingClients.Role.TRANSFORM, queueIds, aws);
                closing.add(source(aws, FerryConfig.Queue.TRANSFORM, new TransformFunction(transform.transformStep()),
                        "chaos-transform-" + i).start());
                FerryRuntime deliver = runtime(config, CrashingClients.Role.DELIVER, queueIds, aws);
                closing.add(source(aws, FerryConfig.Queue.DELIVER, new DeliverFunction(deliver.deliverStep()),
                        "chaos-deliver-" + i).start());
            }

            Provider provider = new Provider(webhooks, webhookKey, faults, options.crashRate(), options.redeliveryRate(), webhooks.size());
            closing.add(provider);
            fullBodies.forEach((id, body) -> provider.send("chaos-full", "full/" + id, body));
            thinRecords.keySet().stream().sorted().forEach(id -> provider.send("chaos-thin", "thin/" + id,
                    "{\"id\":\"" + id + "\",\"event\":\"record.changed\"}"));

            long deadline = started + options.deadline().toNanos();
            AtomicBoolean polling = new AtomicBoolean(true);
            AtomicBoolean pollCaughtUp = new AtomicBoolean(false);
            Thread scheduler = new Thread(() -> schedule(schedulers, source, provider, nFull + nThin, polling, pollCaughtUp),
                    "chaos-scheduler");
            scheduler.setDaemon(true);
            scheduler.start();
            closing.add(() -> {
                polling.set(false);
                scheduler.join(20_000);
            });

            Thread progress = new Thread(() -> {
                while (polling.get()) {
                    try {
                        Thread.sleep(PROGRESS_EVERY.toMillis());
                    } catch (InterruptedException e) {
                        return;
                    }
                    try {
                        System.out.printf("chaos: %3d s: %d of %d records applied; webhooks pending %d; polled released %d;"
                                    + " queues fetch %d, transform %d, deliver %d%n", (System.nanoTime() - started) / 1_000_000_000L,
                            destination.effects().size(), expected.size(), provider.pending(), source.released(),
                            aws.depth(FerryConfig.Queue.FETCH), aws.depth(FerryConfig.Queue.TRANSFORM), aws.depth(FerryConfig.Queue.DELIVER));
                    } catch (RuntimeException e) {
                        return; // the emulators are stopping
                    }
                }
            }, "chaos-progress");
            progress.setDaemon(true);
            progress.start();
            closing.add(() -> {
                polling.set(false);
                progress.interrupt();
                progress.join(5_000);
            });
            boolean settled = Await.until(left(deadline), () -> provider.pending() == 0 && pollCaughtUp.get())
                    && Await.quiet(aws, left(deadline), PIPELINE.toArray(FerryConfig.Queue[]::new));
            polling.set(false);
            Duration faultsPhase = Duration.ofNanos(System.nanoTime() - started);

            // Dead letters: read with their reasons, then re-driven by the Replayer (`ferry replay`). The first round
            // still runs under faults; should any record die again, a second round runs with the faults off.
            destination.fix();
            Map<String, String> deadLettered = new TreeMap<>();
            List<String> replayRounds = new ArrayList<>();
            FerryRuntime operator = new FerryRuntime(FerryConfig.of(config), Clock.systemUTC());
            for (int round = 1; round <= 3 && settled; round++) {
                Map<String, String> dead = deadLetters(aws);
                if (dead.isEmpty()) {
                    break;
                }
                dead.forEach(deadLettered::putIfAbsent);
                if (round >= 2) {
                    faults.disable();
                }
                Replayer.Report report = operator.replayer().replay(Replayer.Filter.all());
                replayRounds.add("round " + round + (faults.enabled() ? " (faults on)" : " (faults off)") + ": "
                        + dead.size() + " dead letters, " + report.replayed() + " replayed");
                settled = Await.quiet(aws, left(deadline), PIPELINE.toArray(FerryConfig.Queue[]::new));
            }
            Map<String, String> stillDead = settled ? deadLetters(aws) : Map.of();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

            return new Account(options, nFull, nThin, nPoll, settled, new LinkedHashMap<>(expected), destination.effects(), destination.wrong(),
                    deadLettered, stillDead, provider.edgeFailures(), faults.injected(), destination.requests(),
                    destination.absorbed(), destination.unauthorised(), provider.posts(), provider.statuses(), pollRuns.get(),
                    Map.copyOf(countsOf(pollStatuses)), source.pages(), replayRounds, poisoned, faultsPhase, elapsed);
        } finally {
            for (AutoCloseable c : closing.reversed()) {
                try {
                    c.close();
                } catch (Exception e) {
                    Thread.currentThread().interrupt();
                }
            }
            try (var files = Files.list(specs)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(specs);
        }
    }

    private static Map<String, Long> countsOf(Map<String, AtomicLong> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static Duration left(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static ObjectNode record(String id, Instant version, int n) {
        ObjectNode r = Json.MAPPER.createObjectNode();
        r.put("id", id);
        r.put("name", "Record " + n);
        r.put("amount", new java.math.BigDecimal(n).movePointLeft(2));
        r.put("updated_at", version.toString());
        return r;
    }

    private FerryRuntime runtime(Map<String, String> config, CrashingClients.Role role, Map<String, String> queueIds, AwsEmulators aws) {
        return new FerryRuntime(FerryConfig.of(config), Clock.systemUTC(),
                new CrashingClients(role, faults, options.crashRate(), crashNextPage, aws.idempotencyTable(), queueIds));
    }

    private SqsEventSource source(AwsEmulators aws, FerryConfig.Queue queue, RequestStreamHandler handler, String name) {
        return new SqsEventSource(aws.sqs(), aws.queueUrl(queue), aws.queueArn(queue), new Acknowledging(handler, queue.id()), name);
    }

    /**
     * Scheduled polls, as EventBridge Scheduler would fire them but faster: every second two instances at once (one
     * of them finds the lease taken). The polled records are released as the webhooks go out; polling stops once a
     * run has completed after the last record was released.
     */
    private void schedule(List<RequestStreamHandler> instances, ChaosSource source, Provider provider, int webhooks,
                          AtomicBoolean polling, AtomicBoolean caughtUp) {
        int polledCount = options.records() - webhooks;
        int tick = 0;
        while (polling.get() && !caughtUp.get()) {
            boolean allReleased = source.released() >= polledCount;
            Instant newestPolled = allReleased ? Instant.parse(source.newest()) : Instant.MAX;
            source.release(provider.firstAnswered() >= webhooks ? polledCount
                    : (int) ((long) polledCount * provider.firstAnswered() / Math.max(1, webhooks)));
            List<Thread> runs = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                RequestStreamHandler instance = instances.get((tick * 2 + k) % instances.size());
                Thread t = new Thread(() -> {
                    JsonNode answer = pollOnce(instance);
                    // Caught up: a run completed after the last release, its cursor at the newest record (a run capped
                    // by maxWindow completes too, with its cursor at the window's end).
                    if (allReleased && answer.path("status").asText().equals("completed")
                            && !Instant.parse(answer.path("cursor").asText(Instant.MIN.toString())).isBefore(newestPolled)) {
                        caughtUp.set(true);
                    }
                }, "chaos-schedule");
                t.setDaemon(true);
                t.start();
                runs.add(t);
            }
            for (Thread t : runs) {
                try {
                    t.join(60_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            tick++;
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One scheduled invocation; its answer, or {"status": "crashed"} / {"status": "failed (...)"}. */
    private JsonNode pollOnce(RequestStreamHandler fetch) {
        pollRuns.incrementAndGet();
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.scheduler");
        event.put("time", Instant.now().toString());
        event.putArray("resources");
        event.putObject("detail").put("integration", "chaos-poll");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonNode answer;
        try {
            fetch.handleRequest(new ByteArrayInputStream(Json.writeBytes(event)), out, new LocalLambdaContext("ferry-fetch"));
            answer = Json.MAPPER.readTree(out.toByteArray());
        } catch (Crash crash) {
            answer = Json.MAPPER.createObjectNode().put("status", "crashed");
        } catch (IOException | RuntimeException e) {
            // e.g. the source's 500 after the quick retry: the next run starts over from the committed cursor
            answer = Json.MAPPER.createObjectNode().put("status", "failed (" + e.getClass().getSimpleName() + ")");
        }
        pollStatuses.computeIfAbsent(answer.path("status").asText("?"), s -> new AtomicLong()).incrementAndGet();
        return answer;
    }

    /**
     * An SQS-triggered function whose instance can die: a {@link Crash} inside it, or one right after it finished
     * (its effects done, the acknowledgement not yet given), fails the whole invocation, so every message of the batch
     * comes back after its visibility timeout — as when a Lambda instance dies.
     */
    private final class Acknowledging implements RequestStreamHandler {
        private final RequestStreamHandler function;
        private final String point;

        Acknowledging(RequestStreamHandler function, String queue) {
            this.function = function;
            this.point = queue + ": after the effect, before the SQS acknowledgement";
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            byte[] event = input.readAllBytes();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                function.handleRequest(new ByteArrayInputStream(event), answer, context);
                faults.maybeCrash(point, options.crashRate() * 3);
                output.write(answer.toByteArray());
            } catch (Crash crash) {
                // The event source sees a failed invocation: the batch returns to the queue. (Answered as every item
                // failed, which SQS treats the same, so that the event source does not log a stack trace per crash.)
                ObjectNode failed = Json.MAPPER.createObjectNode();
                ArrayNode items = failed.putArray("batchItemFailures");
                for (JsonNode record : Json.MAPPER.readTree(event).path("Records")) {
                    items.addObject().put("itemIdentifier", record.path("messageId").asText());
                }
                output.write(Json.writeBytes(failed));
            }
        }
    }

    /** Every dead letter, "origin/id" (or the message id) -> its queue and the reason it died; left in place. */
    private static Map<String, String> deadLetters(AwsEmulators aws) {
        Map<String, String> out = new TreeMap<>();
        for (FerryConfig.Queue dlq : DEAD_LETTERS) {
            String url = aws.queueUrl(dlq);
            List<Message> seen = new ArrayList<>();
            while (true) {
                List<Message> batch = aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                        .visibilityTimeout(30)).messages();
                if (batch.isEmpty()) {
                    break;
                }
                seen.addAll(batch);
            }
            for (Message m : seen) {
                String record = m.messageId();
                String reason;
                try {
                    Envelope e = Json.read(m.body(), Envelope.class);
                    String origin = e.integration() == null ? "?" : e.integration().replace("chaos-", "");
                    record = origin + "/" + e.recordId();
                    Failure last = e.failures().isEmpty() ? null : e.failures().getLast();
                    reason = last != null ? last.step() + ", attempt " + last.attempt() + ", " + last.kind().json() + ": " + last.reason()
                            : "moved by SQS after " + aws.maxReceiveCount() + " receives that each ended in a crash";
                } catch (IOException e) {
                    reason = "unreadable: " + e.getMessage();
                }
                out.put(record, dlq.id() + ": " + reason);
                aws.sqs().changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            }
        }
        return out;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
