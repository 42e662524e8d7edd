package dev.ferry.shared;

import dev.ferry.shared.aws.AwsClientWrapper;
import dev.ferry.shared.aws.AwsClients;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.api.ApiClients;
import dev.ferry.shared.auth.OutboundAuth;
import dev.ferry.shared.idempotency.IdempotencyStore;
import dev.ferry.shared.lookup.LookupService;
import dev.ferry.shared.mapping.Lookups;
import dev.ferry.shared.poll.PollHooks;
import dev.ferry.shared.poll.PollState;
import dev.ferry.shared.poll.ScheduledPoller;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.replay.Replayer;
import dev.ferry.shared.resilience.RateLimiter;
import dev.ferry.shared.resilience.ResilientCalls;
import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.ApiRegistry;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.SpecLoader;
import dev.ferry.shared.steps.DeliverStep;
import dev.ferry.shared.steps.FetchStep;
import dev.ferry.shared.steps.TransformStep;
import dev.ferry.shared.steps.WebhookStep;

import com.github.benmanes.caffeine.cache.Ticker;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * Wires Ferry's parts from configuration. Each function asks only for its own step, and only the
 * clients that step needs are built (and their SDK classes loaded).
 */
public final class FerryRuntime {

    private final FerryConfig config;
    private final Clock clock;
    private final AwsClientWrapper aws;
    private IntegrationRegistry integrations;
    private QueueSender queueSender;
    private SecretsProvider secrets;
    private IdempotencyStore idempotency;
    private HttpCaller http;
    private ResilientCalls resilience;
    private OutboundAuth outboundAuth;
    private ApiClients apiClients;
    private ScheduledPoller poller;
    private LookupService lookups;

    public FerryRuntime(FerryConfig config, Clock clock) {
        this(config, clock, AwsClientWrapper.NONE);
    }

    /** A test seam: every AWS client this runtime builds passes through {@code aws} (see {@link AwsClientWrapper}). */
    public FerryRuntime(FerryConfig config, Clock clock, AwsClientWrapper aws) {
        this.config = config;
        this.clock = clock;
        this.aws = aws;
    }

    private SqsClient sqs() {
        return aws.wrap(SqsClient.class, AwsClients.sqs(config));
    }

    private DynamoDbClient dynamoDb() {
        return aws.wrap(DynamoDbClient.class, AwsClients.dynamoDb(config));
    }

    /** With integrations already loaded (and checked) by the caller, e.g. the local command's, which keeps the good ones. */
    public FerryRuntime(FerryConfig config, Clock clock, IntegrationRegistry integrations) {
        this(config, clock);
        this.integrations = integrations;
    }

    public FerryConfig config() {
        return config;
    }

    public synchronized IntegrationRegistry integrations() {
        if (integrations == null) {
            integrations = loadIntegrations();
        }
        return integrations;
    }

    /**
     * Loads the configured spec directories again and swaps the result into {@link #integrations()} (for
     * {@code ferry dev}, while the pipeline runs). Nothing is swapped when any spec is invalid.
     *
     * @return the names of the integrations added, changed or removed
     * @throws dev.ferry.shared.spec.SpecException listing every problem, the running set left as it was
     */
    public synchronized java.util.SortedSet<String> reloadIntegrations() {
        return integrations().replaceWith(loadIntegrations());
    }

    private IntegrationRegistry loadIntegrations() {
        List<Path> dirs = paths(FerryConfig.INTEGRATIONS_DIR);
        SpecLoader loader = new SpecLoader(config::get, config.localMode());
        // APIs first: integrations refer to them by name. Beside each integrations directory unless configured.
        return config.get(FerryConfig.APIS_DIR).isPresent()
                ? IntegrationRegistry.load(loader, paths(FerryConfig.APIS_DIR), dirs)
                : IntegrationRegistry.load(loader, dirs);
    }

    /** The declared APIs ({@code apis/}), loaded with the integrations. */
    public synchronized ApiRegistry apis() {
        return integrations().apis();
    }

    private List<Path> paths(String setting) {
        return config.get(setting)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList())
                .orElse(List.of());
    }

    public synchronized QueueSender queueSender() {
        if (queueSender == null) {
            queueSender = new QueueSender(sqs());
        }
        return queueSender;
    }

    public synchronized SecretsProvider secrets() {
        if (secrets == null) {
            secrets = new SecretsProvider(aws.wrap(SecretsManagerClient.class, AwsClients.secretsManager(config)), config.secretsTtl(), clock);
        }
        return secrets;
    }

    public synchronized IdempotencyStore idempotency() {
        if (idempotency == null) {
            idempotency = new IdempotencyStore(dynamoDb(), config.idempotencyTable(), config.lease(),
                    config.idempotencyTtl(), clock);
        }
        return idempotency;
    }

    public synchronized HttpCaller http() {
        if (http == null) {
            http = new HttpCaller(config.httpTimeout());
        }
        return http;
    }

    /** Rate budgets (DynamoDB state table, built on first use) and fault-tolerance guards per API. */
    public synchronized ResilientCalls resilience() {
        if (resilience == null) {
            resilience = new ResilientCalls(() -> new RateLimiter(dynamoDb(), config.stateTable(), clock),
                    config.httpTimeout(), clock);
        }
        return resilience;
    }

    /** Re-drives dead letters through the current specs (see {@link Replayer}). */
    public Replayer replayer() {
        return new Replayer(sqs(), queueSender(), integrations(), config,
                spec -> spec.lookups().isEmpty() ? Lookups.NONE : lookups().forSpec(spec));
    }

    /** One per runtime: it caches OAuth tokens. */
    public synchronized OutboundAuth outboundAuth() {
        if (outboundAuth == null) {
            outboundAuth = new OutboundAuth(secrets(), http(), clock);
        }
        return outboundAuth;
    }

    /**
     * One client per API section (source, destination, lookup): the only way out. Credentials (Secrets Manager) and
     * rate budgets (DynamoDB) are built when a call first needs them.
     */
    public synchronized ApiClients apiClients() {
        if (apiClients == null) {
            apiClients = new ApiClients(http(), this::outboundAuth, this::resilience, this::apis);
        }
        return apiClients;
    }

    public WebhookStep webhookStep() {
        return new WebhookStep(integrations(), secrets(), idempotency(), queueSender(), config, clock);
    }

    public FetchStep fetchStep() {
        return new FetchStep(integrations(), apiClients(), queueSender(), config, clock, poller());
    }

    /** Scheduled runs and backfills: cursors and leases in the state table. */
    public synchronized ScheduledPoller poller() {
        if (poller == null) {
            poller = new ScheduledPoller(integrations(), apiClients(), queueSender(),
                    new PollState(dynamoDb(), config.stateTable(), clock), config, clock, PollHooks.NONE);
        }
        return poller;
    }

    public TransformStep transformStep() {
        return new TransformStep(integrations(), queueSender(), this::lookups, config, clock);
    }

    /** Cached GETs for specs' lookups (one cache per function instance), through their API clients. */
    public synchronized LookupService lookups() {
        if (lookups == null) {
            lookups = new LookupService(apiClients(), Ticker.systemTicker());
        }
        return lookups;
    }

    public DeliverStep deliverStep() {
        return new DeliverStep(integrations(), idempotency(), apiClients(), queueSender(), config, clock);
    }
}
