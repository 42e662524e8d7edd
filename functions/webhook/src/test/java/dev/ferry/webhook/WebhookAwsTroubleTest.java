package dev.ferry.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.idempotency.IdempotencyStore;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.LocalLambdaContext;
import dev.ferry.webhook.WebhookHostileRequestsTest.Draft;
import dev.ferry.webhook.WebhookHostileRequestsTest.Scheme;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one case a webhook is answered 5xx: Ferry itself cannot take the record (SQS, DynamoDB or Secrets Manager
 * unreachable), so the sender must retry. A valid, signed request then gets a 503 with a reason, never an exception.
 * And the claims on delivery ids around it: a 503 gives its claim back, so the retry gets through; a delivery in
 * flight elsewhere is a 409 until that claim lapses.
 */
class WebhookAwsTroubleTest {

    static AwsEmulators aws;
    static Path specs;
    static String closed;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        aws = AwsEmulators.start();
        specs = dir;
        Files.writeString(specs.resolve(Scheme.GITHUB.integration + ".yaml"), Scheme.GITHUB.spec());
        aws.putSecret("ferry/fuzz/" + Scheme.GITHUB.integration,
                Json.write(JsonNodeFactory.instance.objectNode().put("key", Scheme.GITHUB.key)));
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = "http://127.0.0.1:" + socket.getLocalPort(); // nothing listens here once the socket is closed
        }
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqs", "dynamodb", "secretsmanager"})
    void aServiceFerryNeedsBeingDownIsA503WithAReason(String service) throws Exception {
        Map<String, String> config = new HashMap<>(aws.config());
        config.put(FerryConfig.LOCAL_MODE, "true");
        config.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        config.put(FerryConfig.ENDPOINT_PREFIX + service, closed);
        WebhookFunction function = new WebhookFunction(new FerryRuntime(FerryConfig.of(config),
                Clock.fixed(WebhookHostileRequestsTest.NOW, ZoneOffset.UTC)).webhookStep());
        byte[] valid = new Draft(Scheme.GITHUB, new Random(7)).build();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(valid), out, new LocalLambdaContext("ferry-webhook"));

        JsonNode answer = Json.MAPPER.readTree(out.toByteArray());
        assertThat(answer.get("statusCode").asInt()).as(service + " down").isEqualTo(503);
        assertThat(Json.MAPPER.readTree(answer.get("body").asText()).get("error").asText()).as(service + " down")
                .isNotBlank().doesNotContain(Scheme.GITHUB.key);
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM)).isZero();
    }

    /** A clock the test moves (the idempotency lease); the github scheme checks no timestamp. */
    static final class MovableClock extends Clock {
        private final AtomicLong millis = new AtomicLong(
                WebhookHostileRequestsTest.NOW.toEpochMilli());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    static final int LEASE_SECONDS = 60;

    static WebhookFunction function(Clock clock, String downService) {
        Map<String, String> config = new HashMap<>(aws.config());
        config.put(FerryConfig.LOCAL_MODE, "true");
        config.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        config.put(FerryConfig.LEASE_SECONDS, Integer.toString(LEASE_SECONDS));
        if (downService != null) {
            config.put(FerryConfig.ENDPOINT_PREFIX + downService, closed);
        }
        return new WebhookFunction(new FerryRuntime(FerryConfig.of(config), clock).webhookStep());
    }

    static FerryRuntime runtime(Clock clock) {
        Map<String, String> config = new HashMap<>(aws.config());
        config.put(FerryConfig.LOCAL_MODE, "true");
        config.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        config.put(FerryConfig.LEASE_SECONDS, Integer.toString(LEASE_SECONDS));
        return new FerryRuntime(FerryConfig.of(config), clock);
    }

    static int status(WebhookFunction function, byte[] event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(event), out, new LocalLambdaContext("ferry-webhook"));
        return Json.MAPPER.readTree(out.toByteArray()).get("statusCode").asInt();
    }

    /**
     * SQS is down for the first delivery: 503, and the claim on the delivery id is given back. The provider's retry of
     * the same delivery, SQS up again, is accepted (202) at once — not turned away as in flight (409) until the lease
     * lapses, nor taken for a duplicate (200) — and queues the record once.
     */
    @Test
    void a503ReleasesItsClaimSoTheProvidersRetryIsAcceptedAndQueuedOnce() throws Exception {
        MovableClock clock = new MovableClock();
        Draft delivery = new Draft(Scheme.GITHUB, new Random(1601));
        byte[] event = delivery.build();

        assertThat(status(function(clock, "sqs"), event)).as("SQS down").isEqualTo(503);
        assertThat(status(function(clock, null), event)).as("the provider's retry").isEqualTo(202);
        assertThat(status(function(clock, null), event)).as("a redelivery after that").isEqualTo(200);

        var queued = aws.drain(FerryConfig.Queue.TRANSFORM);
        assertThat(queued).hasSize(1);
        assertThat(Json.MAPPER.readTree(queued.getFirst().body()).at("/source/deliveryId").asText()).isEqualTo(delivery.deliveryId);
    }

    /**
     * The same delivery arriving while another instance is accepting it (its claim is live) is answered 409 and queues
     * nothing; once that claim lapses unfinished (the instance died), the next redelivery is accepted (202).
     */
    @Test
    void aDeliveryInFlightElsewhereIs409UntilThatClaimLapsesThenTheRetryIsAccepted() throws Exception {
        MovableClock clock = new MovableClock();
        Draft delivery = new Draft(Scheme.GITHUB, new Random(1602));
        byte[] event = delivery.build();
        var other = runtime(clock).idempotency().claim(Scheme.GITHUB.integration, "webhook", delivery.deliveryId);
        assertThat(other).isInstanceOf(IdempotencyStore.Claim.Acquired.class);

        assertThat(status(function(clock, null), event)).as("in flight elsewhere").isEqualTo(409);
        assertThat(aws.drain(FerryConfig.Queue.TRANSFORM)).isEmpty();

        clock.millis.addAndGet((LEASE_SECONDS + 1) * 1000L);
        assertThat(status(function(clock, null), event)).as("the other instance's claim lapsed").isEqualTo(202);
        assertThat(aws.drain(FerryConfig.Queue.TRANSFORM)).hasSize(1);
    }
}
