package dev.ferry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.config.FerryConfig.Queue;
import dev.ferry.shared.idempotency.IdempotencyStore;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.secrets.SecretsProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SharedEmulators.class)
class AwsEmulatorsTest {

    private final AwsEmulators aws;

    AwsEmulatorsTest(AwsEmulators aws) {
        this.aws = aws;
    }

    @BeforeEach
    void reset() {
        aws.reset();
    }

    @Test
    void configNamesEveryEndpointQueueAndTableOnLoopback() {
        Map<String, String> config = aws.config();
        assertThat(config).containsEntry(FerryConfig.REGION, "us-east-1")
                .containsEntry(FerryConfig.LOCAL_CREDENTIALS, "true")
                .containsEntry(FerryConfig.IDEMPOTENCY_TABLE, "ferry-idempotency")
                .containsEntry(FerryConfig.STATE_TABLE, "ferry-state");
        for (String service : List.of("sqs", "dynamodb", "secretsmanager")) {
            assertThat(config.get(FerryConfig.ENDPOINT_PREFIX + service)).matches("http://127\\.0\\.0\\.1:\\d+");
        }
        FerryConfig ferry = FerryConfig.of(config);
        for (Queue queue : Queue.values()) {
            assertThat(ferry.queueUrl(queue)).isEqualTo(aws.queueUrl(queue))
                    .startsWith("http://127.0.0.1:").endsWith("/ferry-" + queue.id());
            assertThat(aws.queueArn(queue)).isEqualTo("arn:aws:sqs:us-east-1:000000000000:ferry-" + queue.id());
        }
    }

    @Test
    void mainQueuesRedriveToTheirDeadLetterQueues() {
        for (Queue queue : List.of(Queue.FETCH, Queue.TRANSFORM, Queue.DELIVER)) {
            Map<QueueAttributeName, String> attributes = aws.sqs().getQueueAttributes(r -> r.queueUrl(aws.queueUrl(queue))
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            JsonNode redrive = parse(attributes.get(QueueAttributeName.REDRIVE_POLICY));
            assertThat(redrive.get("deadLetterTargetArn").asText()).isEqualTo(aws.queueArn(queue.deadLetter()));
            assertThat(redrive.get("maxReceiveCount").asInt()).isEqualTo(SharedEmulators.MAX_RECEIVE_COUNT);
            assertThat(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT))
                    .isEqualTo(Integer.toString(SharedEmulators.VISIBILITY_TIMEOUT_SECONDS));
        }
    }

    @Test
    void aMessageReceivedMaxReceiveCountTimesWithoutDeletionLandsInTheDeadLetterQueue() {
        String url = aws.queueUrl(Queue.DELIVER);
        aws.sqs().sendMessage(r -> r.queueUrl(url).messageBody("{\"n\":1}"));
        assertThat(aws.depth(Queue.DELIVER)).isEqualTo(1);

        for (int receive = 1; receive <= SharedEmulators.MAX_RECEIVE_COUNT; receive++) {
            Message m = receiveOne(url, Duration.ofSeconds(5));
            assertThat(m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
                    .isEqualTo(Integer.toString(receive));
            assertThat(aws.depth(Queue.DELIVER)).as("in flight still counts").isEqualTo(1);
            // not deleted: it comes back when its (1 s) visibility timeout ends
        }
        // The next receive finds the count exhausted and moves the message instead of returning it.
        assertThat(Await.until(Duration.ofSeconds(10), () -> {
            aws.sqs().receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(0));
            return aws.depth(Queue.DELIVER_DLQ) == 1;
        })).isTrue();
        assertThat(aws.depth(Queue.DELIVER)).isZero();

        List<Message> dead = aws.drain(Queue.DELIVER_DLQ);
        assertThat(dead).singleElement().extracting(Message::body).isEqualTo("{\"n\":1}");
        assertThat(aws.depth(Queue.DELIVER_DLQ)).isZero();
        assertThat(Await.awaitQuiet(aws, Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void drainReturnsAttributesAndDeletes() {
        String url = aws.queueUrl(Queue.FETCH_DLQ);
        for (int i = 0; i < 13; i++) {
            int n = i;
            aws.sqs().sendMessage(r -> r.queueUrl(url).messageBody("m" + n)
                    .messageAttributes(Map.of("ferry-trace-id", software.amazon.awssdk.services.sqs.model.MessageAttributeValue
                            .builder().dataType("String").stringValue("t" + n).build())));
        }
        List<Message> drained = aws.drain(Queue.FETCH_DLQ);
        assertThat(drained).hasSize(13);
        assertThat(drained).allSatisfy(m -> {
            assertThat(m.messageAttributes().get("ferry-trace-id").stringValue()).startsWith("t");
            assertThat(m.attributes()).containsKeys(MessageSystemAttributeName.SENT_TIMESTAMP,
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        });
        assertThat(aws.depth(Queue.FETCH_DLQ)).isZero();
    }

    @Test
    void tablesAcceptConditionalPuts() {
        String table = aws.idempotencyTable();
        Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("orders#deliver#42"),
                "expiresAt", AttributeValue.fromN("4102444800"));
        aws.dynamoDb().putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
        assertThatThrownBy(() -> aws.dynamoDb().putItem(r -> r.tableName(table).item(item)
                .conditionExpression("attribute_not_exists(pk)")))
                .isInstanceOf(ConditionalCheckFailedException.class);

        String state = aws.stateTable();
        Map<String, AttributeValue> cursor = Map.of("pk", AttributeValue.fromS("orders"),
                "sk", AttributeValue.fromS("cursor"), "value", AttributeValue.fromS("c1"));
        aws.dynamoDb().putItem(r -> r.tableName(state).item(cursor).conditionExpression("attribute_not_exists(pk)"));
        assertThat(aws.dynamoDb().getItem(r -> r.tableName(state).key(Map.of("pk", AttributeValue.fromS("orders"),
                "sk", AttributeValue.fromS("cursor")))).item()).containsEntry("value", AttributeValue.fromS("c1"));

        for (String t : List.of(table, state)) {
            var ttl = aws.dynamoDb().describeTimeToLive(r -> r.tableName(t)).timeToLiveDescription();
            assertThat(ttl.timeToLiveStatus()).isEqualTo(TimeToLiveStatus.ENABLED);
            assertThat(ttl.attributeName()).isEqualTo(IdempotencyStore.TTL);
        }
    }

    @Test
    void theSharedIdempotencyStoreWorksAgainstDynamoDbLocal() {
        IdempotencyStore store = new IdempotencyStore(aws.dynamoDb(), aws.idempotencyTable(),
                Duration.ofMinutes(5), Duration.ofDays(1), Clock.systemUTC());
        var first = store.claim("orders", "deliver", "k1");
        assertThat(first).isInstanceOf(IdempotencyStore.Claim.Acquired.class);
        assertThat(store.claim("orders", "deliver", "k1")).isInstanceOf(IdempotencyStore.Claim.Busy.class);
        assertThat(store.complete((IdempotencyStore.Claim.Acquired) first, "d1")).isTrue();
        assertThat(store.claim("orders", "deliver", "k1")).isEqualTo(new IdempotencyStore.Claim.AlreadyDone("d1"));
    }

    @Test
    void secretsManagerReturnsTheSecretAndANewVersionAfterASecondPut() {
        aws.putSecret("ferry/test/api", "{\"token\":\"first-fake-value\"}");
        GetSecretValueResponse v1 = aws.secretsManager().getSecretValue(r -> r.secretId("ferry/test/api"));
        aws.putSecret("ferry/test/api", "{\"token\":\"second-fake-value\"}");
        GetSecretValueResponse v2 = aws.secretsManager().getSecretValue(r -> r.secretId("ferry/test/api"));

        // Compare without letting AssertJ print the values.
        assertThat(parse(v1.secretString()).get("token").asText().equals("first-fake-value")).isTrue();
        assertThat(parse(v2.secretString()).get("token").asText().equals("second-fake-value")).isTrue();
        assertThat(v2.versionId()).isNotEqualTo(v1.versionId());
        assertThat(v2.versionStages()).contains("AWSCURRENT");
        GetSecretValueResponse previous = aws.secretsManager().getSecretValue(r -> r.secretId("ferry/test/api")
                .versionStage("AWSPREVIOUS"));
        assertThat(previous.versionId()).isEqualTo(v1.versionId());

        SecretsProvider provider = new SecretsProvider(aws.secretsManager(), Duration.ZERO, Clock.systemUTC());
        assertThat(provider.field("ferry/test/api", "token").equals("second-fake-value")).isTrue();
    }

    @Test
    void valuesWrittenWithoutPutSecretReachTheSecretsLedgerWhenTheEmulatorsReset() throws Exception {
        String ledger = System.getProperty(SecretsLedger.FILE_PROPERTY);
        assertThat(ledger).as("the build names the secrets ledger (root pom, surefire)").isNotBlank();
        String given = "given-" + UUID.randomUUID();
        String rotated = "rotated-" + UUID.randomUUID();
        aws.putSecret("ferry/test/ledger", "{\"refreshToken\":\"" + given + "\"}");
        assertThat(Files.readString(Path.of(ledger))).contains(base64(given));
        // as Ferry writes a rotated refresh token back: with the client, not putSecret
        aws.secretsManager().putSecretValue(r -> r.secretId("ferry/test/ledger").secretString("{\"refreshToken\":\"" + rotated + "\"}"));
        assertThat(Files.readString(Path.of(ledger))).doesNotContain(base64(rotated));

        aws.reset();

        assertThat(Files.readString(Path.of(ledger))).contains(base64(rotated)).doesNotContain(rotated).doesNotContain(given);
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void resetEmptiesQueuesTablesAndSecrets() {
        aws.sqs().sendMessage(r -> r.queueUrl(aws.queueUrl(Queue.TRANSFORM)).messageBody("x"));
        aws.sqs().sendMessage(r -> r.queueUrl(aws.queueUrl(Queue.FETCH)).messageBody("y").delaySeconds(60));
        for (int i = 0; i < 30; i++) {
            String pk = "p" + i;
            aws.dynamoDb().putItem(r -> r.tableName(aws.idempotencyTable()).item(Map.of("pk", AttributeValue.fromS(pk))));
        }
        aws.dynamoDb().putItem(r -> r.tableName(aws.stateTable()).item(Map.of("pk", AttributeValue.fromS("a"),
                "sk", AttributeValue.fromS("b"))));
        aws.putSecret("ferry/test/reset", "{\"k\":\"v\"}");

        aws.reset();

        for (Queue queue : Queue.values()) {
            assertThat(aws.depth(queue)).as(queue.id()).isZero();
        }
        assertThat(aws.dynamoDb().scan(r -> r.tableName(aws.idempotencyTable())).count()).isZero();
        assertThat(aws.dynamoDb().scan(r -> r.tableName(aws.stateTable())).count()).isZero();
        assertThatThrownBy(() -> aws.secretsManager().getSecretValue(r -> r.secretId("ferry/test/reset")))
                .isInstanceOf(ResourceNotFoundException.class);
        // a deleted name can be used again at once
        aws.putSecret("ferry/test/reset", "{\"k\":\"v2\"}");
    }

    @Test
    void clientsFromFerryConfigReachTheEmulators() {
        FerryConfig config = aws.ferryConfig();
        try (var sqs = dev.ferry.shared.aws.AwsClients.sqs(config);
             var dynamo = dev.ferry.shared.aws.AwsClients.dynamoDb(config);
             var secrets = dev.ferry.shared.aws.AwsClients.secretsManager(config)) {
            assertThat(sqs.listQueues().queueUrls()).hasSize(6);
            assertThat(dynamo.listTables().tableNames()).containsExactlyInAnyOrder("ferry-idempotency", "ferry-state");
            assertThat(secrets.listSecrets().secretList()).isEmpty();
        }
    }

    @Test
    void dynamoDbLocalAcceptsAccessKeyIdsWithPunctuation() {
        assertThat(AwsEmulators.alphanumericAccessKey(
                "AWS4-HMAC-SHA256 Credential=ferry-local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=ab"))
                .isEqualTo("AWS4-HMAC-SHA256 Credential=ferrylocal/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=ab");
        try (var dynamo = software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                .endpointOverride(java.net.URI.create(aws.config().get(FerryConfig.ENDPOINT_PREFIX + "dynamodb")))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder())
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("any_key-id.", "x")))
                .build()) {
            assertThat(dynamo.listTables().tableNames()).contains("ferry-idempotency");
        }
    }

    private Message receiveOne(String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Message> messages = aws.sqs().receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (!messages.isEmpty()) {
                return messages.getFirst();
            }
        }
        throw new AssertionError("no message on " + url + " within " + timeout);
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON", e);
        }
    }
}
