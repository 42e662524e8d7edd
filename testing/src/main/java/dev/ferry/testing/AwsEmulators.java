package dev.ferry.testing;

import dev.ferry.shared.aws.AwsClients;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.idempotency.IdempotencyStore;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.server.ServerConnector;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The three AWS services Ferry uses, emulated on 127.0.0.1 with free ports: SQS (embedded ElasticMQ),
 * DynamoDB (DynamoDB Local, in-process) and Secrets Manager (a {@code moto_server} subprocess). On start
 * it creates Ferry's six queues (each main queue redrives to its DLQ) and its two tables, so that
 * {@link #config()} is all a function needs to run against them.
 *
 * <p>With the system property {@value ExternalAws#SELECT_PROPERTY} set (e.g. by {@code -Plocalstack}), the same queues and
 * tables are created in that {@link ExternalAws} instead and the configuration names its endpoints: nothing else changes.
 *
 * <p>The clients returned by {@link #sqs()}, {@link #dynamoDb()} and {@link #secretsManager()} are shared
 * and owned by this object: do not close them. {@link #close()} stops everything.
 */
public final class AwsEmulators implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AwsEmulators.class);

    public static final String REGION = "us-east-1";
    /** The account id ElasticMQ puts in queue ARNs. */
    public static final String ACCOUNT_ID = "000000000000";
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_MAX_RECEIVE_COUNT = 5;
    public static final int DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

    private static final Duration MOTO_START_TIMEOUT = Duration.ofSeconds(30);

    public static Builder builder() {
        return new Builder();
    }

    /** Starts with the defaults: maxReceiveCount 5, visibility timeout 30 s. */
    public static AwsEmulators start() {
        return builder().start();
    }

    public static final class Builder {
        private int maxReceiveCount = DEFAULT_MAX_RECEIVE_COUNT;
        private int visibilityTimeoutSeconds = DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
        private Path logDirectory = Path.of("target");

        private Builder() {
        }

        /** How many receives a message gets before the next one moves it to the DLQ (1..1000). */
        public Builder maxReceiveCount(int maxReceiveCount) {
            if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
                throw new IllegalArgumentException("maxReceiveCount must be 1..1000, got " + maxReceiveCount);
            }
            this.maxReceiveCount = maxReceiveCount;
            return this;
        }

        /** The queues' default visibility timeout (0..43200 s). */
        public Builder visibilityTimeoutSeconds(int visibilityTimeoutSeconds) {
            if (visibilityTimeoutSeconds < 0 || visibilityTimeoutSeconds > 43_200) {
                throw new IllegalArgumentException("visibilityTimeoutSeconds must be 0..43200, got " + visibilityTimeoutSeconds);
            }
            this.visibilityTimeoutSeconds = visibilityTimeoutSeconds;
            return this;
        }

        /** Where moto_server's output goes (default {@code target/} of the working directory). */
        public Builder logDirectory(Path logDirectory) {
            this.logDirectory = logDirectory;
            return this;
        }

        public AwsEmulators start() {
            AwsEmulators emulators = new AwsEmulators(this);
            try {
                emulators.startAll();
                return emulators;
            } catch (RuntimeException | Error e) {
                emulators.close();
                throw e;
            }
        }
    }

    private final int maxReceiveCount;
    private final int visibilityTimeoutSeconds;
    private final Path logDirectory;

    private SQSRestServer sqsServer;
    private DynamoDBProxyServer dynamoServer;
    private Process moto;
    private ExternalAws external;
    private Thread motoShutdownHook;
    private Path motoLog;

    private int sqsPort;
    private int dynamoPort;
    private int motoPort;

    private Map<String, String> config = Map.of();
    private final Map<FerryConfig.Queue, String> queueUrls = new EnumMap<>(FerryConfig.Queue.class);
    private final Map<FerryConfig.Queue, String> queueArns = new EnumMap<>(FerryConfig.Queue.class);

    private SqsClient sqs;
    private DynamoDbClient dynamo;
    private SecretsManagerClient secrets;
    private volatile boolean closed;

    private AwsEmulators(Builder builder) {
        this.maxReceiveCount = builder.maxReceiveCount;
        this.visibilityTimeoutSeconds = builder.visibilityTimeoutSeconds;
        this.logDirectory = builder.logDirectory;
    }

    // ------------------------------------------------------------------------------------------ start

    private void startAll() {
        long started = System.nanoTime();
        Map<String, String> values = new LinkedHashMap<>();
        values.put(FerryConfig.REGION, REGION);
        external = ExternalAws.selected();
        if (external != null) {
            // Another AWS (LocalStack under -Plocalstack): only the endpoints differ.
            for (String service : List.of("sqs", "dynamodb", "secretsmanager")) {
                values.put(FerryConfig.ENDPOINT_PREFIX + service, external.endpoint(service));
            }
        } else {
            // moto is a separate process: launch it first so that it boots while the JVM-side emulators start.
            launchMoto();
            startElasticMq();
            startDynamoDbLocal();
            awaitMoto();
            values.put(FerryConfig.ENDPOINT_PREFIX + "sqs", "http://" + LOOPBACK + ":" + sqsPort);
            values.put(FerryConfig.ENDPOINT_PREFIX + "dynamodb", "http://" + LOOPBACK + ":" + dynamoPort);
            values.put(FerryConfig.ENDPOINT_PREFIX + "secretsmanager", "http://" + LOOPBACK + ":" + motoPort);
        }
        values.put(FerryConfig.LOCAL_CREDENTIALS, "true");
        values.put(FerryConfig.IDEMPOTENCY_TABLE, "ferry-idempotency");
        values.put(FerryConfig.STATE_TABLE, "ferry-state");
        this.config = values;

        FerryConfig ferryConfig = FerryConfig.of(values);
        sqs = AwsClients.sqs(ferryConfig);
        dynamo = AwsClients.dynamoDb(ferryConfig);
        secrets = AwsClients.secretsManager(ferryConfig);

        createQueues();
        for (FerryConfig.Queue queue : FerryConfig.Queue.values()) {
            values.put(queue.key(), queueUrls.get(queue));
        }
        createTables();
        this.config = Collections.unmodifiableMap(values);
        if (external != null) {
            LOG.infof("AWS up in %d ms: %s", (System.nanoTime() - started) / 1_000_000, external.describe());
        } else {
            LOG.infof("AWS emulators up in %d ms: SQS :%d, DynamoDB :%d, Secrets Manager (moto) :%d",
                    (System.nanoTime() - started) / 1_000_000, sqsPort, dynamoPort, motoPort);
        }
    }

    private void startElasticMq() {
        sqsServer = SQSRestServerBuilder.withInterface(LOOPBACK)
                .withDynamicPort()
                .withAWSRegion(REGION)
                .withAWSAccountId(ACCOUNT_ID)
                .start();
        sqsPort = sqsServer.waitUntilStarted().localAddress().getPort();
    }

    private void startDynamoDbLocal() {
        int port = freePort();
        try {
            // -sharedDb: one database whatever the credentials and region of the caller, so every client
            // (functions, tests, the CLI) sees the same tables.
            // It prints its configuration banner on System.out (no option turns it off): in `ferry dev` that landed in
            // the middle of the printed curl. Kept at debug level instead; nothing else prints during this call.
            java.io.PrintStream stdout = System.out;
            java.io.ByteArrayOutputStream banner = new java.io.ByteArrayOutputStream();
            System.setOut(new java.io.PrintStream(banner, true, java.nio.charset.StandardCharsets.UTF_8));
            try {
                dynamoServer = ServerRunner.createServerFromCommandLineArgs(
                        new String[]{"-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
            } finally {
                System.setOut(stdout);
            }
            LOG.debugf("DynamoDB Local: %s", banner.toString(java.nio.charset.StandardCharsets.UTF_8).strip().replace('\n', ' '));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local could not be configured: " + e.getMessage(), e);
        }
        ServerConnector connector = adjustJetty(dynamoServer);
        try {
            dynamoServer.start();
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start: " + e.getMessage(), e);
        }
        dynamoPort = connector != null ? connector.getLocalPort() : port;
    }

    /**
     * Adjusts DynamoDB Local's Jetty server before it starts: binds it to loopback on a port the OS picks
     * (DynamoDB Local has no bind-address option and would listen on all interfaces) and lets it accept any
     * access key id (since 2.0 it refuses ids that are not [A-Za-z0-9]+; real AWS keys always are, local
     * throw-away ones such as {@code ferry-local} are not). Returns the connector, or null if Jetty could not be
     * reached (then it listens on all interfaces on the given port).
     */
    private static ServerConnector adjustJetty(DynamoDBProxyServer server) {
        try {
            Field field = DynamoDBProxyServer.class.getDeclaredField("server");
            field.setAccessible(true);
            org.eclipse.jetty.server.Server jetty = (org.eclipse.jetty.server.Server) field.get(server);
            jetty.setHandler(new AnyAccessKeyId(jetty.getHandler()));
            for (Connector c : jetty.getConnectors()) {
                if (c instanceof ServerConnector sc) {
                    sc.setHost(LOOPBACK);
                    sc.setPort(0);
                    return sc;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("could not bind DynamoDB Local to %s (%s); it listens on all interfaces", LOOPBACK, e.toString());
        }
        return null;
    }

    /** Rewrites the access key id in a SigV4 Authorization header to letters and digits (DynamoDB Local checks no signature). */
    static final class AnyAccessKeyId extends Handler.Wrapper {
        AnyAccessKeyId(Handler handler) {
            super(handler);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            String fixed = alphanumericAccessKey(auth);
            if (fixed != null && !fixed.equals(auth)) {
                HttpFields headers = HttpFields.build(request.getHeaders()).put(HttpHeader.AUTHORIZATION, fixed).asImmutable();
                request = new Request.Wrapper(request) {
                    @Override
                    public HttpFields getHeaders() {
                        return headers;
                    }
                };
            }
            return super.handle(request, response, callback);
        }
    }

    static String alphanumericAccessKey(String authorization) {
        if (authorization == null) {
            return null;
        }
        int start = authorization.indexOf("Credential=");
        if (start < 0) {
            return authorization;
        }
        start += "Credential=".length();
        int end = authorization.indexOf('/', start);
        if (end < 0) {
            return authorization;
        }
        String key = authorization.substring(start, end).replaceAll("[^A-Za-z0-9]", "");
        return authorization.substring(0, start) + (key.isEmpty() ? "local" : key) + authorization.substring(end);
    }

    private void launchMoto() {
        String executable = findOnPath("moto_server").orElseThrow(() -> new IllegalStateException(
                "moto_server is needed to emulate Secrets Manager but was not found on the PATH. "
                        + "Install it with: pip install 'moto[server]'  (or: pipx install 'moto[server]')"));
        motoPort = freePort();
        try {
            Files.createDirectories(logDirectory);
            motoLog = logDirectory.resolve("moto-server-" + motoPort + ".log").toAbsolutePath();
            moto = new ProcessBuilder(executable, "-H", LOOPBACK, "-p", Integer.toString(motoPort))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(motoLog.toFile()))
                    .start();
            moto.getOutputStream().close();
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + executable + ": " + e.getMessage(), e);
        }
        Process process = moto;
        motoShutdownHook = new Thread(() -> destroy(process), "ferry-moto-shutdown");
        Runtime.getRuntime().addShutdownHook(motoShutdownHook);
    }

    /** Waits for moto to answer; if it died (e.g. its port was taken meanwhile) starts it again, twice at most. */
    private void awaitMoto() {
        for (int attempt = 1; ; attempt++) {
            if (motoAnswers()) {
                return;
            }
            String reason = moto.isAlive() ? "did not answer within " + MOTO_START_TIMEOUT.toSeconds() + " s"
                    : "exited with code " + moto.exitValue();
            stopMoto();
            if (attempt == 3) {
                throw new IllegalStateException("moto_server " + reason + " (port " + motoPort + "); see " + motoLog);
            }
            LOG.warnf("moto_server %s on port %d; starting it again (see %s)", reason, motoPort, motoLog);
            launchMoto();
        }
    }

    private boolean motoAnswers() {
        long deadline = System.nanoTime() + MOTO_START_TIMEOUT.toNanos();
        URI probe = URI.create("http://" + LOOPBACK + ":" + motoPort + "/moto-api/");
        while (System.nanoTime() < deadline && moto.isAlive()) {
            try {
                HttpURLConnection c = (HttpURLConnection) probe.toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                int status = c.getResponseCode();
                c.disconnect();
                if (status < 500) {
                    return true;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep(100);
        }
        return false;
    }

    private void stopMoto() {
        if (moto != null) {
            destroy(moto);
            if (motoShutdownHook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(motoShutdownHook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
                motoShutdownHook = null;
            }
        }
    }

    private void createQueues() {
        for (FerryConfig.Queue queue : FerryConfig.Queue.values()) {
            if (isDeadLetter(queue)) {
                createQueue(queue, Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds)));
            }
        }
        for (FerryConfig.Queue queue : FerryConfig.Queue.values()) {
            if (!isDeadLetter(queue)) {
                String redrive = "{\"deadLetterTargetArn\":\"" + queueArns.get(queue.deadLetter())
                        + "\",\"maxReceiveCount\":" + maxReceiveCount + "}";
                createQueue(queue, Map.of(
                        QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilityTimeoutSeconds),
                        QueueAttributeName.REDRIVE_POLICY, redrive));
            }
        }
    }

    private void createQueue(FerryConfig.Queue queue, Map<QueueAttributeName, String> attributes) {
        String url = sqs.createQueue(r -> r.queueName(queueName(queue)).attributes(attributes)).queueUrl();
        String arn = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        queueUrls.put(queue, url);
        queueArns.put(queue, arn);
    }

    private void createTables() {
        String idempotency = config.get(FerryConfig.IDEMPOTENCY_TABLE);
        dynamo.createTable(r -> r.tableName(idempotency)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute(IdempotencyStore.PK))
                .keySchema(key(IdempotencyStore.PK, KeyType.HASH)));
        String state = config.get(FerryConfig.STATE_TABLE);
        dynamo.createTable(r -> r.tableName(state)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("pk"), attribute("sk"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE)));
        for (String table : List.of(idempotency, state)) {
            // DynamoDB Local accepts the TTL setting; it is best effort (expired items may linger).
            try {
                dynamo.updateTimeToLive(r -> r.tableName(table)
                        .timeToLiveSpecification(t -> t.attributeName(IdempotencyStore.TTL).enabled(true)));
            } catch (RuntimeException e) {
                LOG.warnf("DynamoDB Local refused TTL on %s: %s", table, e.getMessage());
            }
        }
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    // ------------------------------------------------------------------------------------------ API

    /** Every setting a Ferry function needs to run against these emulators (FerryConfig keys). */
    public Map<String, String> config() {
        return config;
    }

    public FerryConfig ferryConfig() {
        return FerryConfig.of(config);
    }

    public SqsClient sqs() {
        return sqs;
    }

    public DynamoDbClient dynamoDb() {
        return dynamo;
    }

    public SecretsManagerClient secretsManager() {
        return secrets;
    }

    public int maxReceiveCount() {
        return maxReceiveCount;
    }

    public int visibilityTimeoutSeconds() {
        return visibilityTimeoutSeconds;
    }

    /** e.g. {@code ferry-fetch-dlq} */
    public static String queueName(FerryConfig.Queue queue) {
        return "ferry-" + queue.id();
    }

    public String queueUrl(FerryConfig.Queue queue) {
        return queueUrls.get(queue);
    }

    public String queueArn(FerryConfig.Queue queue) {
        return queueArns.get(queue);
    }

    public String idempotencyTable() {
        return config.get(FerryConfig.IDEMPOTENCY_TABLE);
    }

    public String stateTable() {
        return config.get(FerryConfig.STATE_TABLE);
    }

    /**
     * Creates the secret, or puts a new current version if it exists. The value is never logged; under tests it is
     * added to the {@link SecretsLedger}, which the scan of the suite's output checks against.
     */
    public void putSecret(String name, String json) {
        SecretsLedger.record(name, json);
        try {
            secrets.createSecret(r -> r.name(name).secretString(json));
        } catch (ResourceExistsException e) {
            secrets.putSecretValue(r -> r.secretId(name).secretString(json));
        }
    }

    /** Visible + in flight + delayed messages. */
    public int depth(FerryConfig.Queue queue) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl(queue)).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
                + count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
                + count(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
    }

    private static int count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
        String value = attributes.get(name);
        return value == null ? 0 : Integer.parseInt(value);
    }

    /**
     * Receives and deletes every message visible now (with all system and message attributes), e.g. to
     * assert what reached a DLQ. Messages in flight or delayed are not waited for.
     */
    public List<Message> drain(FerryConfig.Queue queue) {
        String url = queueUrl(queue);
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(batch.get(i).receiptHandle()).build());
            }
            sqs.deleteMessageBatch(r -> r.queueUrl(url).entries(entries));
        }
    }

    /** Empties every queue (ElasticMQ has no 60 s purge limit), deletes every item of both tables and every secret. */
    public void reset() {
        recordStoredSecrets();
        for (FerryConfig.Queue queue : FerryConfig.Queue.values()) {
            sqs.purgeQueue(r -> r.queueUrl(queueUrl(queue)));
        }
        clearTable(idempotencyTable(), List.of("pk"));
        clearTable(stateTable(), List.of("pk", "sk"));
        List<String> names = new ArrayList<>();
        for (var page : secrets.listSecretsPaginator(r -> r.includePlannedDeletion(true))) {
            for (SecretListEntry entry : page.secretList()) {
                names.add(entry.name());
            }
        }
        for (String name : names) {
            secrets.deleteSecret(r -> r.secretId(name).forceDeleteWithoutRecovery(true));
        }
    }

    /**
     * Adds every version of every secret Secrets Manager (moto) holds to the {@link SecretsLedger}: besides what {@link #putSecret}
     * put, values Ferry wrote itself (rotated OAuth2 refresh tokens) and secrets tests created with the client.
     */
    private void recordStoredSecrets() {
        if (!SecretsLedger.enabled() || secrets == null || (external == null && (moto == null || !moto.isAlive()))) {
            return;
        }
        try {
            for (var page : secrets.listSecretsPaginator(r -> r.includePlannedDeletion(true))) {
                for (SecretListEntry entry : page.secretList()) {
                    for (var version : secrets.listSecretVersionIds(r -> r.secretId(entry.arn()).includeDeprecated(true)).versions()) {
                        String value = secrets.getSecretValue(r -> r.secretId(entry.arn()).versionId(version.versionId())).secretString();
                        SecretsLedger.record(entry.name(), value);
                    }
                }
            }
        } catch (RuntimeException e) {
            // The ledger then lacks only what Ferry wrote itself; say so, without any value.
            LOG.warnf("could not list the secrets Secrets Manager holds for the secrets ledger: %s", e.getClass().getSimpleName());
        }
    }

    private void clearTable(String table, List<String> keyNames) {
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(r -> r.tableName(table).consistentRead(true)
                    .projectionExpression(String.join(", ", keyNames.stream().map(k -> "#" + k).toList()))
                    .expressionAttributeNames(keyNames.stream().collect(java.util.stream.Collectors.toMap(k -> "#" + k, k -> k)))
                    .exclusiveStartKey(from));
            List<WriteRequest> deletes = page.items().stream()
                    .map(item -> WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(item).build()).build())
                    .toList();
            for (int i = 0; i < deletes.size(); i += 25) {
                List<WriteRequest> chunk = deletes.subList(i, Math.min(i + 25, deletes.size()));
                Map<String, List<WriteRequest>> pending = Map.of(table, chunk);
                while (!pending.isEmpty()) {
                    Map<String, List<WriteRequest>> request = pending;
                    pending = dynamo.batchWriteItem(r -> r.requestItems(request)).unprocessedItems();
                }
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }

    public int sqsPort() {
        return sqsPort;
    }

    public int dynamoDbPort() {
        return dynamoPort;
    }

    public int secretsManagerPort() {
        return motoPort;
    }

    /** The file moto_server writes its output to. */
    public Path motoLog() {
        return motoLog;
    }

    // ------------------------------------------------------------------------------------------ stop

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        recordStoredSecrets();
        for (AutoCloseable client : new AutoCloseable[]{sqs, dynamo, secrets}) {
            closeQuietly(client);
        }
        if (sqsServer != null) {
            try {
                sqsServer.stopAndWait();
            } catch (Exception e) {
                LOG.warnf("ElasticMQ did not stop cleanly: %s", e.toString());
            }
        }
        if (dynamoServer != null) {
            try {
                dynamoServer.stop();
            } catch (Exception e) {
                LOG.warnf("DynamoDB Local did not stop cleanly: %s", e.toString());
            }
        }
        stopMoto();
        if (external != null) {
            external.close();
        }
    }

    private static void destroy(Process process) {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing a client
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    static boolean isDeadLetter(FerryConfig.Queue queue) {
        return queue.name().endsWith("_DLQ");
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + LOOPBACK, e);
        }
    }

    static Optional<String> findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
