package dev.ferry.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.deliver.DeliverFunction;
import dev.ferry.fetch.FetchFunction;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.LocalLambdaContext;
import dev.ferry.testing.SqsEventSource;
import dev.ferry.transform.TransformFunction;
import dev.ferry.webhook.WebhookFunction;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The four Lambda functions, wired as on AWS: the same handler classes, fed the same event JSON, by
 * SQS event sources that behave like Lambda's, over embedded emulators. Used by {@code ferry dev} and
 * by the end-to-end tests.
 */
public final class LocalFerry implements AutoCloseable {

    /** Most messages per deliver invocation (default 10); above 10 needs a batching window, as on Lambda. */
    public static final String DELIVER_BATCH_SIZE = "ferry.local.deliver.batch-size";
    /** How long the deliver poller gathers a batch after its first message, in ms (default 0). */
    public static final String DELIVER_BATCHING_WINDOW_MS = "ferry.local.deliver.batching-window-ms";
    /**
     * "true" (as under {@code ferry dev}): specs load file by file, a failing file is left out and reported while the
     * others run, and {@link #reloadSpecsKeepingGood()} keeps its last good version. Default: any invalid spec stops the start.
     */
    public static final String KEEP_GOOD_SPECS = "ferry.local.keep-good-specs";

    private final AwsEmulators aws;
    private final FerryRuntime runtime;
    private final WebhookFunction webhook;
    private final FetchFunction fetch;
    private final TransformFunction transform;
    private final DeliverFunction deliver;
    private final List<SqsEventSource> sources = new ArrayList<>();
    private final dev.ferry.local.dev.DevSpecs devSpecs;
    private final dev.ferry.local.console.ConsoleRecorder console = new dev.ferry.local.console.ConsoleRecorder(Clock.systemUTC());

    public LocalFerry(AwsEmulators aws, Map<String, String> settings) {
        this.aws = aws;
        Map<String, String> config = new HashMap<>(aws.config());
        config.put(FerryConfig.LOCAL_MODE, "true");
        config.putAll(settings);
        FerryConfig ferryConfig = FerryConfig.of(config);
        if (ferryConfig.get(KEEP_GOOD_SPECS).map(Boolean::parseBoolean).orElse(false)) {
            this.devSpecs = new dev.ferry.local.dev.DevSpecs(ferryConfig);
            this.runtime = new FerryRuntime(ferryConfig, Clock.systemUTC(), devSpecs.load().registry());
        } else {
            this.devSpecs = null;
            this.runtime = new FerryRuntime(ferryConfig, Clock.systemUTC());
            // Load and check every spec now, so a bad one stops the start with its problems listed.
            runtime.integrations();
        }
        // Metrics go to the console's counts, and as EMF lines unless this run's settings switch them off.
        var metrics = console.metrics(dev.ferry.shared.metrics.EmfMetrics.fromConfig(ferryConfig));
        this.webhook = new WebhookFunction(runtime.webhookStep(), metrics, console.trail());
        this.fetch = new FetchFunction(runtime.fetchStep(), metrics, console.trail());
        this.transform = new TransformFunction(runtime.transformStep(), metrics, console.trail());
        this.deliver = new DeliverFunction(runtime.deliverStep(), metrics, console.trail());
        sources.add(source(FerryConfig.Queue.FETCH, fetch, "ferry-fetch"));
        sources.add(source(FerryConfig.Queue.TRANSFORM, transform, "ferry-transform"));
        sources.add(deliverSource(aws, ferryConfig, deliver, "ferry-deliver"));
    }

    /**
     * A poller of the deliver queue for {@code handler}, batching as {@link #DELIVER_BATCH_SIZE} and
     * {@link #DELIVER_BATCHING_WINDOW_MS} say (e.g. for extra deliver workers in tests).
     */
    public static SqsEventSource deliverSource(AwsEmulators aws, FerryConfig config, RequestStreamHandler handler, String name) {
        return new SqsEventSource(aws.sqs(), aws.queueUrl(FerryConfig.Queue.DELIVER), aws.queueArn(FerryConfig.Queue.DELIVER),
                handler, name, dev.ferry.testing.LocalLambdaContext.DEFAULT_TIMEOUT,
                config.intValue(DELIVER_BATCH_SIZE, SqsEventSource.MAX_BATCH),
                java.time.Duration.ofMillis(config.intValue(DELIVER_BATCHING_WINDOW_MS, 0)));
    }

    private SqsEventSource source(FerryConfig.Queue queue, RequestStreamHandler handler, String name) {
        return new SqsEventSource(aws.sqs(), aws.queueUrl(queue), aws.queueArn(queue), handler, name);
    }

    public FerryRuntime runtime() {
        return runtime;
    }

    /** What the local console shows: counts from the functions' metrics and each record's trail. */
    public dev.ferry.local.console.ConsoleRecorder console() {
        return console;
    }

    /**
     * Reads the spec directories again and puts the new specs to work at once (the next message any step takes uses
     * them); on any invalid spec nothing changes.
     *
     * @return the integrations added, changed or removed
     * @throws dev.ferry.shared.spec.SpecException listing every problem
     */
    public java.util.SortedSet<String> reloadSpecs() {
        return runtime.reloadIntegrations();
    }

    /**
     * With {@link #KEEP_GOOD_SPECS}: reads the spec directories again file by file and swaps in every spec that loads,
     * keeping the last good version of each file that fails now; the problems are in the answer's load.
     */
    public dev.ferry.local.dev.DevSpecs.Reload reloadSpecsKeepingGood() {
        return devSpecs().reload(runtime.integrations());
    }

    /**
     * The reload the console's button and the file watcher agree on: file by file under {@link #KEEP_GOOD_SPECS} (the
     * good specs swapped in, a broken file's last good version kept), else all or nothing.
     *
     * @return the integrations added, changed or removed
     * @throws dev.ferry.shared.spec.SpecException listing every problem still open (under {@link #KEEP_GOOD_SPECS}
     *         after the good specs were swapped in)
     */
    public java.util.SortedSet<String> reloadSpecsAsConfigured() {
        if (devSpecs == null) {
            return reloadSpecs();
        }
        dev.ferry.local.dev.DevSpecs.Reload reload = reloadSpecsKeepingGood();
        if (!reload.load().clean()) {
            java.util.List<String> problems = new java.util.ArrayList<>(reload.load().allProblems());
            problems.add("the other specs were reloaded" + (reload.changed().isEmpty() ? "" : " (changed: "
                    + String.join(", ", reload.changed()) + ")"));
            throw new dev.ferry.shared.spec.SpecException(problems);
        }
        return reload.changed();
    }

    /** The file-by-file loading of {@link #KEEP_GOOD_SPECS} (its last load, its directories). */
    public dev.ferry.local.dev.DevSpecs devSpecs() {
        if (devSpecs == null) {
            throw new IllegalStateException(KEEP_GOOD_SPECS + " is not set: specs were loaded all or nothing");
        }
        return devSpecs;
    }

    /** Starts polling the three queues in the background, as Lambda's event source mappings do. */
    public LocalFerry startPollers() {
        sources.forEach(SqsEventSource::start);
        return this;
    }

    /** Invokes the webhook function with an HTTP API / Function URL event; answers its JSON response. */
    public JsonNode invokeWebhook(String eventJson) {
        return invoke(webhook, "ferry-webhook", eventJson);
    }

    /** Invokes the fetch function with a scheduled event for one integration. */
    public JsonNode invokeSchedule(String integration) {
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.scheduler");
        event.put("time", Instant.now().toString());
        event.put("region", runtime.config().region());
        event.putArray("resources");
        event.putObject("detail").put("integration", integration);
        return invoke(fetch, "ferry-fetch", Json.write(event));
    }

    public JsonNode invokeFetch(String eventJson) {
        return invoke(fetch, "ferry-fetch", eventJson);
    }

    private static JsonNode invoke(RequestStreamHandler handler, String function, String eventJson) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8)), out,
                    new LocalLambdaContext(function));
            return Json.MAPPER.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        sources.forEach(SqsEventSource::close);
    }
}
