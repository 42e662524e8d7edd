package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.ScheduledEvent;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.poll.ScheduledPoller;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Strict JSON at the inner edges, with real parts (ElasticMQ, DynamoDB Local, moto, an API on loopback): a fetched
 * record, a polled page, a lookup answer and an OAuth2 token answer that are 2xx but not one strict JSON document
 * (trailing content, a second document, a duplicate key, invalid UTF-8, a byte-order mark, nothing) fail permanently,
 * with a reason naming the record or page, and nothing of them is queued. A 5xx page that is not JSON stays
 * retryable. Token answers never have their body quoted.
 */
class StrictAnswersEndToEndTest {

    static final String TOKEN = "tok-strict-secret-4711";

    static AwsEmulators aws;
    static FakeApi api;
    static LocalFerry ferry;

    /** 2xx bodies that are not one strict JSON document, and a part of the reason each must give. */
    static final Object[][] MALFORMED = {
            {utf8("{\"id\":\"c-1\",\"name\":\"Ada\"} {\"id\":\"c-2\"}"), "not valid JSON"},
            {utf8("{\"id\":\"c-1\",\"name\":\"Ada\"},"), "not valid JSON"},
            {utf8("{\"id\":\"c-1\",\"name\":\"Ada\"} trailing"), "not valid JSON"},
            {utf8("{\"id\":\"c-1\",\"name\":\"Ada\",\"name\":\"Bob\"}"), "Duplicate field 'name'"},
            {bytes("{\"id\":\"c-1\",\"name\":\"", new byte[] {(byte) 0xC0, (byte) 0xAF}, "\"}"), "not valid UTF-8 at byte 20"},
            {bytes("{\"id\":\"c-1\",\"name\":\"", new byte[] {(byte) 0x80}, "\"}"), "not valid UTF-8 at byte 20"},
            {bytes("{\"id\":\"c-1\",\"name\":\"", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}"), "not valid UTF-8 at byte 20"},
            {bytes("{\"id\":\"c-1\",\"name\":\"", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, "\"}"), "not valid UTF-8 at byte 20"},
            {bytes("", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{\"id\":\"c-1\"}"), "byte-order mark"},
            {new byte[0], "the body is empty"},
    };

    @BeforeAll
    static void start(@TempDir Path specs) throws Exception {
        aws = AwsEmulators.start();
        api = FakeApi.start();
        Files.writeString(specs.resolve("strict-fetch.yaml"), """
                name: strict-fetch
                source:
                  recordId: /id
                  get: { url: "${strict.api.url}/contacts/{id}" }
                  list: { url: "${strict.api.url}/contacts", recordsPath: /data }
                webhook:
                  mode: thin
                  deliveryIdHeader: X-Delivery
                  signature: { header: X-Signature, secret: ferry/strict/hook }
                mapping:
                  id: { from: /id }
                  owner: { from: /owner, lookup: owners }
                lookups:
                  owners: { url: "${strict.api.url}/users?email={value}", path: /data/0/id }
                destination: { method: PUT, url: "${strict.api.url}/out/{recordId}" }
                """);
        Files.writeString(specs.resolve("strict-oauth.yaml"), """
                name: strict-oauth
                source:
                  recordId: /id
                  auth: { type: oauth2-client-credentials, secret: ferry/strict/oauth, tokenUrl: "${strict.api.url}/oauth/token", scopes: [read] }
                  get: { url: "${strict.api.url}/secure/{id}" }
                webhook:
                  mode: thin
                  deliveryIdHeader: X-Delivery
                  signature: { header: X-Signature, secret: ferry/strict/hook }
                mapping:
                  id: { from: /id }
                destination: { method: PUT, url: "${strict.api.url}/out/{recordId}" }
                """);
        Map<String, String> settings = new HashMap<>();
        settings.put("strict.api.url", api.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        ferry = new LocalFerry(aws, settings);
    }

    @AfterAll
    static void stop() {
        if (ferry != null) ferry.close();
        if (api != null) api.close();
        if (aws != null) aws.close();
    }

    @BeforeEach
    void reset() {
        aws.reset();
        api.reset();
        aws.putSecret("ferry/strict/oauth", "{\"clientId\":\"strict-client\",\"clientSecret\":\"strict-client-secret\"}");
    }

    // --- fetch by id -------------------------------------------------------------------------------

    @Test
    void aFetchedRecordThatIsNotOneStrictJsonDocumentIsDeadLetteredPermanentlyNamingTheRecord() {
        for (Object[] bad : MALFORMED) {
            aws.reset();
            String id = "c-" + UUID.randomUUID().toString().substring(0, 8);
            api.on("GET", "/contacts/" + id, Reply.bytes(200, "application/json", (byte[]) bad[0]));

            ferry.runtime().fetchStep().fetchRequests(fetchRequest("strict-fetch", id));

            JsonNode failure = lastFailure(only(FerryConfig.Queue.FETCH_DLQ, bad[1]));
            assertThat(failure.get("kind").asText()).as(bad[1].toString()).isEqualTo("permanent");
            assertThat(failure.get("httpStatus").asInt()).isEqualTo(200);
            assertThat(failure.get("reason").asText()).as(bad[1].toString())
                    .startsWith("fetching record " + id + " of 'strict-fetch': GET " + api.baseUrl() + "/contacts/" + id
                            + " answered 200 with a body that is not JSON (")
                    .contains((String) bad[1]);
            assertThat(aws.depth(FerryConfig.Queue.TRANSFORM)).as("nothing of it queued").isZero();
        }
    }

    @Test
    void aServerErrorPageThatIsNotJsonIsRetriedNotDeadLettered() {
        api.on("GET", "/contacts/c-5", Reply.text(503, "<html><h1>Service Unavailable</h1></html>"));

        ferry.runtime().fetchStep().fetchRequests(fetchRequest("strict-fetch", "c-5"));

        assertThat(aws.depth(FerryConfig.Queue.FETCH_DLQ)).isZero();
        JsonNode failure = lastFailure(only(FerryConfig.Queue.FETCH, "retry"));
        assertThat(failure.get("kind").asText()).isEqualTo("retryable");
        assertThat(failure.get("httpStatus").asInt()).isEqualTo(503);
    }

    // --- scheduled poll ------------------------------------------------------------------------------

    @Test
    void aPolledPageThatIsNotOneStrictJsonDocumentFailsTheRunAndQueuesNothing() {
        for (Object[] bad : MALFORMED) {
            aws.reset();
            // The page is read whole before any record in it: one that is not strict JSON queues none of them.
            api.on("GET", "/contacts", Reply.bytes(200, "application/json", (byte[]) bad[0]));

            StepFailure f = catchThrowableOfType(StepFailure.class, () -> poll("strict-fetch"));

            assertThat(f).as(bad[1].toString()).isNotNull();
            assertThat(f.kind()).as(bad[1].toString()).isEqualTo(FailureKind.PERMANENT);
            assertThat(f.getMessage()).as(bad[1].toString()).matches("'strict-fetch' schedule run [0-9a-f-]+, page 1: GET "
                    + java.util.regex.Pattern.quote(api.baseUrl() + "/contacts") + " answered 200 with a body that is not JSON \\(.*")
                    .contains((String) bad[1]);
            assertThat(aws.depth(FerryConfig.Queue.TRANSFORM)).as("no record of the page queued").isZero();
        }
        // The failed runs gave their lease back: a good page is read at once.
        api.on("GET", "/contacts", Reply.json(200, "{\"data\":[{\"id\":\"c-1\"},{\"id\":\"c-2\"}]}"));
        assertThat(poll("strict-fetch").status()).isEqualTo(ScheduledPoller.Status.COMPLETED);
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM)).isEqualTo(2);
    }

    // --- lookups -------------------------------------------------------------------------------------

    @Test
    void aLookupAnswerThatIsNotOneStrictJsonDocumentDeadLettersTheRecordNamingFieldAndValue() {
        api.on("GET", "/users", Reply.json(200, "{\"data\":[{\"id\":\"u-1\"}],\"data\":[{\"id\":\"u-2\"}]}"));
        Envelope record = Envelope.fresh("strict-fetch", "c-9", "c-9#x", null,
                new Envelope.SourceInfo("schedule", "run-1", Instant.now(), false),
                Json.MAPPER.createObjectNode().put("id", "c-9").put("owner", "ada@example.com"));

        ferry.runtime().transformStep().handle(new SqsEvent(List.of(message(record))));

        JsonNode failure = lastFailure(only(FerryConfig.Queue.TRANSFORM_DLQ, "lookup"));
        assertThat(failure.get("kind").asText()).isEqualTo("permanent");
        assertThat(failure.get("reason").asText())
                .startsWith("field 'owner' (from /owner): lookup 'owners' for 'ada@example.com' failed: GET " + api.baseUrl()
                        + "/users?… answered 200 with a body that is not JSON (")
                .contains("Duplicate field 'data'");
        assertThat(aws.depth(FerryConfig.Queue.DELIVER)).isZero();
    }

    // --- OAuth2 token answers --------------------------------------------------------------------------

    @Test
    void aTokenAnswerThatIsNotOneStrictJsonObjectFailsPermanentlyWithoutQuotingIt() {
        String good = "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
        Object[][] answers = {
                {utf8(good + " {\"access_token\":\"other\"}"), "not valid JSON"},
                {utf8(good + "," + TOKEN), "not valid JSON"},
                {utf8("{\"access_token\":\"" + TOKEN + "\",\"access_token\":\"" + TOKEN + "x\"}"), "Duplicate field"},
                {bytes("{\"access_token\":\"" + TOKEN, new byte[] {(byte) 0xC0, (byte) 0x80}, "\"}"), "not valid UTF-8"},
                {utf8("access_token=" + TOKEN + "&token_type=bearer"), "not valid JSON"},
                {utf8("[\"" + TOKEN + "\"]"), "not a JSON object"},
                {new byte[0], "the body is empty"},
        };
        api.on("GET", "/secure/*", Reply.json(200, "{\"id\":\"s-1\"}"));
        for (Object[] answer : answers) {
            aws.reset();
            aws.putSecret("ferry/strict/oauth", "{\"clientId\":\"strict-client\",\"clientSecret\":\"strict-client-secret\"}");
            api.on("POST", "/oauth/token", Reply.bytes(200, "application/json", (byte[]) answer[0]));

            ferry.runtime().fetchStep().fetchRequests(fetchRequest("strict-oauth", "s-1"));

            Message dead = only(FerryConfig.Queue.FETCH_DLQ, answer[1]);
            JsonNode failure = lastFailure(dead);
            assertThat(failure.get("kind").asText()).as(answer[1].toString()).isEqualTo("permanent");
            assertThat(failure.get("reason").asText()).as(answer[1].toString())
                    .contains("token endpoint " + api.baseUrl() + "/oauth/token (secret 'ferry/strict/oauth') answered 200 with a body that is")
                    .contains((String) answer[1]);
            assertThat(dead.body()).as("the token never travels in a dead letter").doesNotContain(TOKEN);
        }
    }

    @Test
    void anExpiresInOfAnySizeGivesATokenThatIsCachedNotAnError() {
        api.on("GET", "/secure/*", r -> ("Bearer " + TOKEN).equals(r.header("Authorization"))
                ? Reply.json(200, "{\"id\":\"s-1\"}") : Reply.json(401, "{}"));
        for (String expiresIn : new String[] {"9223372036854775807", "99999999999999999999", "1e400", "-5", "0", "12.5",
                "\"3600\"", "\"soon\"", "null"}) {
            aws.reset();
            aws.putSecret("ferry/strict/oauth", "{\"clientId\":\"strict-client\",\"clientSecret\":\"strict-client-secret\"}");
            api.reset();
            api.on("GET", "/secure/*", r -> ("Bearer " + TOKEN).equals(r.header("Authorization"))
                    ? Reply.json(200, "{\"id\":\"s-1\"}") : Reply.json(401, "{}"));
            api.on("POST", "/oauth/token", Reply.json(200, "{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + expiresIn + "}"));
            LocalFerry fresh = new LocalFerry(aws, Map.of("strict.api.url", api.baseUrl(),
                    FerryConfig.INTEGRATIONS_DIR, ferry.runtime().config().get(FerryConfig.INTEGRATIONS_DIR).orElseThrow()));

            fresh.runtime().fetchStep().fetchRequests(fetchRequest("strict-oauth", "s-1"));
            fresh.runtime().fetchStep().fetchRequests(fetchRequest("strict-oauth", "s-1"));

            assertThat(aws.depth(FerryConfig.Queue.FETCH_DLQ)).as("expires_in " + expiresIn).isZero();
            assertThat(aws.drain(FerryConfig.Queue.TRANSFORM)).as("expires_in " + expiresIn).hasSize(2);
            assertThat(api.requests("POST", "/oauth/token")).as("expires_in %s: one token for both calls", expiresIn).hasSize(1);
            fresh.close();
        }
    }

    // --- helpers ----------------------------------------------------------------------------------------

    ScheduledPoller.Outcome poll(String integration) {
        ScheduledEvent event = new ScheduledEvent("0", UUID.randomUUID().toString(), "Scheduled Event", "aws.scheduler", null,
                Instant.now().toString(), AwsEmulators.REGION, List.of(),
                Json.MAPPER.createObjectNode().put("integration", integration));
        return ferry.runtime().fetchStep().poll(event, dev.ferry.shared.lambda.Invocation.untimed());
    }

    static SqsEvent fetchRequest(String integration, String recordId) {
        Envelope request = Envelope.fresh(integration, recordId, null, null,
                new Envelope.SourceInfo("webhook", "d-" + recordId, Instant.now(), true),
                Json.MAPPER.createObjectNode().put("id", recordId));
        return new SqsEvent(List.of(message(request)));
    }

    static SqsEvent.Message message(Envelope envelope) {
        return new SqsEvent.Message(UUID.randomUUID().toString(), "rh", Json.write(envelope),
                Map.of("ApproximateReceiveCount", "1"), Map.of(), null, "aws:sqs", "arn:aws:sqs:us-east-1:000000000000:q",
                AwsEmulators.REGION);
    }

    static Message only(FerryConfig.Queue queue, Object what) {
        List<Message> messages = aws.drain(queue);
        assertThat(messages).as("%s: one message in %s", what, queue).hasSize(1);
        return messages.getFirst();
    }

    static JsonNode lastFailure(Message message) {
        try {
            JsonNode failures = Json.MAPPER.readTree(message.body()).get("failures");
            return failures.get(failures.size() - 1);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8(before));
        out.writeBytes(middle);
        out.writeBytes(utf8(after));
        return out.toByteArray();
    }
}
