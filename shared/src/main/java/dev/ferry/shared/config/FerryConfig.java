package dev.ferry.shared.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every setting Ferry reads, from one lookup. The same keys work on AWS (environment variables,
 * {@code ferry.queue.transform.url} becomes {@code FERRY_QUEUE_TRANSFORM_URL}), in Quarkus
 * (MicroProfile Config) and in the local runner (a map), so the code never branches on where it runs.
 */
public final class FerryConfig {

    public static final String REGION = "ferry.aws.region";
    public static final String ENDPOINT = "ferry.aws.endpoint";
    public static final String ENDPOINT_PREFIX = "ferry.aws.endpoint.";
    public static final String LOCAL_CREDENTIALS = "ferry.aws.local-credentials";
    public static final String QUEUE_PREFIX = "ferry.queue.";
    public static final String IDEMPOTENCY_TABLE = "ferry.table.idempotency";
    public static final String STATE_TABLE = "ferry.table.state";
    public static final String INTEGRATIONS_DIR = "ferry.integrations.dir";
    /** Directories of API declarations (comma-separated); default: the {@code apis/} beside each integrations directory. */
    public static final String APIS_DIR = "ferry.apis.dir";
    public static final String LOCAL_MODE = "ferry.local-mode";
    public static final String MAX_ATTEMPTS = "ferry.retry.max-attempts";
    public static final String RETRY_BASE_DELAY = "ferry.retry.base-delay-seconds";
    public static final String LEASE_SECONDS = "ferry.idempotency.lease-seconds";
    public static final String IDEMPOTENCY_TTL_DAYS = "ferry.idempotency.ttl-days";
    public static final String HTTP_TIMEOUT_MS = "ferry.http.timeout-ms";
    public static final String SECRETS_TTL_SECONDS = "ferry.secrets.ttl-seconds";
    public static final String WEBHOOK_MAX_BODY = "ferry.webhook.max-body-bytes";
    /** How long a scheduled run's lease holds without renewal (keep above the fetch function's timeout). */
    public static final String POLL_LEASE_SECONDS = "ferry.poll.lease-seconds";
    /** A run checkpoints and hands over when less than this much of the invocation's time is left. */
    public static final String POLL_RESERVE_MS = "ferry.poll.reserve-ms";

    /** CloudWatch namespace of Ferry's EMF metrics (default {@code Ferry}). */
    public static final String METRICS_NAMESPACE = "ferry.metrics.namespace";
    /** {@code false} switches the EMF metrics off (default on). */
    public static final String METRICS_ENABLED = "ferry.metrics.enabled";

    /** The queues that chain the steps; each has a dead-letter queue named {@code <queue>-dlq}. */
    public enum Queue {
        FETCH, FETCH_DLQ, TRANSFORM, TRANSFORM_DLQ, DELIVER, DELIVER_DLQ;

        /** e.g. {@code fetch-dlq} */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public String key() {
            return QUEUE_PREFIX + id() + ".url";
        }

        public Queue deadLetter() {
            return switch (this) {
                case FETCH -> FETCH_DLQ;
                case TRANSFORM -> TRANSFORM_DLQ;
                case DELIVER -> DELIVER_DLQ;
                default -> throw new IllegalStateException(this + " is itself a dead-letter queue");
            };
        }
    }

    private final Function<String, Optional<String>> lookup;

    public FerryConfig(Function<String, Optional<String>> lookup) {
        this.lookup = lookup;
    }

    /** Map first, then system properties, then environment variables (ferry.a-b.c -> FERRY_A_B_C). */
    public static FerryConfig of(Map<String, String> values) {
        return new FerryConfig(key -> Optional.ofNullable(values.get(key))
                .or(() -> Optional.ofNullable(System.getProperty(key)))
                .or(() -> Optional.ofNullable(System.getenv(envName(key)))));
    }

    public static FerryConfig fromEnvironment() {
        return of(Map.of());
    }

    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public Optional<String> get(String key) {
        return lookup.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String require(String key) {
        return get(key).orElseThrow(() -> new ConfigurationException(
                "missing setting '" + key + "' (environment variable " + envName(key) + ")"));
    }

    public int intValue(String key, int fallback) {
        return get(key).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new ConfigurationException("setting '" + key + "' must be a whole number, got '" + v + "'");
            }
        }).orElse(fallback);
    }

    public boolean flag(String key) {
        return get(key).map(Boolean::parseBoolean).orElse(false);
    }

    public String queueUrl(Queue queue) {
        return require(queue.key());
    }

    public String region() {
        return get(REGION).or(() -> Optional.ofNullable(System.getenv("AWS_REGION"))).orElse("us-east-1");
    }

    /** An endpoint override for one AWS service (sqs, dynamodb, secretsmanager), for emulators. */
    public Optional<URI> endpoint(String service) {
        return get(ENDPOINT_PREFIX + service).or(() -> get(ENDPOINT)).map(URI::create);
    }

    public String idempotencyTable() {
        return get(IDEMPOTENCY_TABLE).orElse("ferry-idempotency");
    }

    public String stateTable() {
        return get(STATE_TABLE).orElse("ferry-state");
    }

    public boolean localMode() {
        return flag(LOCAL_MODE);
    }

    public int maxAttempts() {
        return intValue(MAX_ATTEMPTS, 5);
    }

    public int retryBaseDelaySeconds() {
        return intValue(RETRY_BASE_DELAY, 10);
    }

    public Duration lease() {
        return Duration.ofSeconds(intValue(LEASE_SECONDS, 330));
    }

    public Duration idempotencyTtl() {
        return Duration.ofDays(intValue(IDEMPOTENCY_TTL_DAYS, 14));
    }

    public Duration httpTimeout() {
        return Duration.ofMillis(intValue(HTTP_TIMEOUT_MS, 10_000));
    }

    public Duration secretsTtl() {
        return Duration.ofSeconds(intValue(SECRETS_TTL_SECONDS, 300));
    }

    public int webhookMaxBodyBytes() {
        return intValue(WEBHOOK_MAX_BODY, 256 * 1024);
    }
}
