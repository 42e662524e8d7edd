package dev.ferry.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.Failure;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.idempotency.IdempotencyStore;
import dev.ferry.shared.lambda.SqsBatchResponse;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.steps.DeliverStep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failure paths of the exactly-once core, with the deliver step wired as the function wires it, against DynamoDB
 * Local, ElasticMQ and a destination on loopback, on a clock the test moves: a lease that lapsed (the worker died) is
 * taken over; a worker that finishes after losing its lease still records what it did; a record another worker holds
 * waits without spending an attempt; and a record deferred too often starts spending attempts.
 */
@ExtendWith(SharedEmulators.class)
class ExactlyOnceCoreTest {

    static final int LEASE_SECONDS = 60;
    static final int MAX_ATTEMPTS = 3;
    /** SqsBatchRunner.MAX_DEFERRALS: deferrals of one record at one step before a deferral spends an attempt. */
    static final int MAX_DEFERRALS = 100;

    static final String SPEC = """
            name: %s
            description: exactly-once core under faults
            source: { recordId: /id }
            webhook:
              mode: full
              deliveryIdHeader: X-Delivery
              signature: { header: X-Signature, prefix: "sha256=", secret: ferry/test/eo-webhook, field: key }
            mapping:
              id: { from: /id, required: true }
            destination: { method: PUT, url: "${api.url}/out/{recordId}" }
            """;

    FakeApi api;
    CoreWorld world;
    @TempDir
    Path dir;

    @BeforeEach
    void start(AwsEmulators aws) {
        api = FakeApi.start();
        world = new CoreWorld(aws, api, dir, "eo", SPEC, Map.of(
                FerryConfig.LEASE_SECONDS, Integer.toString(LEASE_SECONDS),
                FerryConfig.MAX_ATTEMPTS, Integer.toString(MAX_ATTEMPTS)));
    }

    @AfterEach
    void stop() {
        world.close();
        api.close();
    }

    Envelope record(String id) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("id", id);
        return Envelope.fresh(world.integration, id, id + "@v1", null,
                new Envelope.SourceInfo("webhook", "d-" + id, world.clock.instant(), false), payload);
    }

    IdempotencyStore store() {
        return world.runtime().idempotency();
    }

    @Test
    void aLapsedLeaseIsTakenOverAndTheRecordIsDeliveredOnce() {
        api.on("PUT", "/out/*", FakeApi.Reply.json(200, "{\"ok\":true}"));
        Envelope record = record("r-lapsed");
        // A worker claimed the record and died before calling the destination.
        IdempotencyStore.Claim.Acquired dead = (IdempotencyStore.Claim.Acquired) store().claim(world.integration,
                DeliverStep.STEP, record.idempotencyKey());
        SqsEvent event = world.deliverEvent(record);

        world.clock.advanceSeconds(LEASE_SECONDS - 1);
        SqsBatchResponse whileLive = world.runtime().deliverStep().handle(event);
        assertThat(whileLive.batchItemFailures()).isEmpty();
        assertThat(api.requests()).as("a live lease keeps everyone else away").isEmpty();
        world.receive(FerryConfig.Queue.DELIVER, 1, 5); // the deferral (checked in its own test)

        world.clock.advanceSeconds(2); // the lease lapsed
        SqsBatchResponse afterLapse = world.runtime().deliverStep().handle(event);

        assertThat(afterLapse.batchItemFailures()).isEmpty();
        assertThat(api.requests("PUT", "/out/r-lapsed")).hasSize(1);
        assertThat(api.requests().getFirst().header("Idempotency-Key")).isEqualTo(world.integration + ":" + record.idempotencyKey());
        assertThat(store().completed(world.integration, DeliverStep.STEP, record.idempotencyKey())).isTrue();
        assertThat(store().complete(dead, "late")).as("the dead worker's lease is gone").isFalse();

        SqsBatchResponse redelivered = world.runtime().deliverStep().handle(event);
        assertThat(redelivered.batchItemFailures()).isEmpty();
        assertThat(api.requests()).as("a redelivery after completion is a no-op").hasSize(1);
        assertThat(world.take(FerryConfig.Queue.DELIVER, 0, 0)).isEmpty();
        assertThat(world.take(FerryConfig.Queue.DELIVER_DLQ, 0, 0)).isEmpty();
    }

    /**
     * Worker A is slow: its lease lapses while the destination is answering it; worker B takes the record over and
     * fails (the destination answers B 500), releasing its claim. A's call did succeed. Unless A records that when it
     * finds its lease lost, B's retry calls the destination a third time (and, at an API that ignores
     * Idempotency-Key, applies the record twice).
     */
    @Test
    void aWorkerThatFindsItsLeaseLostStillRecordsItsDeliverySoTheRetryIsANoOp() {
        Envelope record = record("r-slow");
        SqsEvent event = world.deliverEvent(record);
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<SqsBatchResponse> takeOver = new AtomicReference<>();
        FerryRuntime workerB = world.runtime();
        api.on("PUT", "/out/*", request -> {
            if (calls.incrementAndGet() == 1) {
                world.clock.advanceSeconds(LEASE_SECONDS + 1); // A's lease lapses during its call
                takeOver.set(workerB.deliverStep().handle(event)); // B's calls get the 500s below
                return FakeApi.Reply.json(200, "{\"applied\":\"A\"}");
            }
            return FakeApi.Reply.json(500, "{\"error\":\"busy\"}");
        });

        SqsBatchResponse workerA = world.runtime().deliverStep().handle(event);

        assertThat(takeOver.get()).as("worker B ran while A waited").isNotNull();
        assertThat(takeOver.get().batchItemFailures()).isEmpty();
        assertThat(workerA.batchItemFailures()).isEmpty();
        int afterBoth = api.requests().size();
        assertThat(afterBoth).as("A's call and B's (with B's retries in place)").isGreaterThanOrEqualTo(2);
        List<Envelope> retry = world.take(FerryConfig.Queue.DELIVER, 1, 5);
        assertThat(retry).as("B handed the record back for a retry").hasSize(1);
        assertThat(store().completed(world.integration, DeliverStep.STEP, record.idempotencyKey()))
                .as("A's delivery is recorded although A lost its lease").isTrue();

        SqsBatchResponse third = workerB.deliverStep().handle(world.deliverEvent(retry.getFirst())); // B's retry

        assertThat(third.batchItemFailures()).isEmpty();
        assertThat(api.requests()).as("the retry finds the record delivered and calls nobody").hasSize(afterBoth);
        assertThat(world.take(FerryConfig.Queue.DELIVER, 0, 0)).isEmpty();
        assertThat(world.take(FerryConfig.Queue.DELIVER_DLQ, 0, 0)).isEmpty();
    }

    /** The store's side of the above: what a late complete may and may not overwrite. */
    @Test
    void aLateCompleteRecordsTheWorkButNeverOverwritesAnotherWorkersCompletionAndAReleaseNeverUndoesIt() {
        IdempotencyStore store = store();
        String name = world.integration;
        IdempotencyStore.Claim.Acquired a = (IdempotencyStore.Claim.Acquired) store.claim(name, DeliverStep.STEP, "k-1");
        world.clock.advanceSeconds(LEASE_SECONDS + 1);
        IdempotencyStore.Claim.Acquired b = (IdempotencyStore.Claim.Acquired) store.claim(name, DeliverStep.STEP, "k-1");

        assertThat(store.complete(a, "a's result")).as("a lost its lease").isFalse();
        store.release(b); // b failed and gives the key back: the work a did stays recorded
        assertThat(store.claim(name, DeliverStep.STEP, "k-1")).isEqualTo(new IdempotencyStore.Claim.AlreadyDone("a's result"));
        assertThat(store.complete(b, "b's result")).isFalse();
        assertThat(store.claim(name, DeliverStep.STEP, "k-1")).isEqualTo(new IdempotencyStore.Claim.AlreadyDone("a's result"));

        IdempotencyStore.Claim.Acquired c = (IdempotencyStore.Claim.Acquired) store.claim(name, DeliverStep.STEP, "k-2");
        world.clock.advanceSeconds(LEASE_SECONDS + 1);
        IdempotencyStore.Claim.Acquired d = (IdempotencyStore.Claim.Acquired) store.claim(name, DeliverStep.STEP, "k-2");
        assertThat(store.complete(d, "d's result")).as("d holds the lease").isTrue();
        assertThat(store.complete(c, "c's result")).isFalse();
        store.release(c);
        assertThat(store.claim(name, DeliverStep.STEP, "k-2")).isEqualTo(new IdempotencyStore.Claim.AlreadyDone("d's result"));
    }

    @Test
    void aRecordAnotherWorkerHoldsIsDeferredWithoutSpendingAnAttemptOrCallingTheDestination() {
        api.on("PUT", "/out/*", FakeApi.Reply.json(200, "{}"));
        Envelope record = record("r-busy");
        assertThat(store().claim(world.integration, DeliverStep.STEP, record.idempotencyKey()))
                .isInstanceOf(IdempotencyStore.Claim.Acquired.class);
        world.clock.advanceSeconds(LEASE_SECONDS - 1); // the other worker's lease has 1 s left
        SqsEvent event = world.deliverEvent(record);

        SqsBatchResponse response = world.runtime().deliverStep().handle(event);

        assertThat(response.batchItemFailures()).isEmpty();
        assertThat(api.requests()).isEmpty();
        assertThat(world.take(FerryConfig.Queue.DELIVER, 1, 0)).as("delayed until the lease would lapse, not visible at once").isEmpty();
        List<Envelope> deferred = world.take(FerryConfig.Queue.DELIVER, 1, 6);
        assertThat(deferred).hasSize(1);
        Envelope back = deferred.getFirst();
        assertThat(back.attempt()).as("no attempt spent").isZero();
        assertThat(back.failures()).hasSize(1);
        Failure why = back.failures().getFirst();
        assertThat(why.step()).isEqualTo(DeliverStep.STEP);
        assertThat(why.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(why.reason()).contains("another worker is delivering " + record.idempotencyKey());
        assertThat(world.take(FerryConfig.Queue.DELIVER_DLQ, 0, 0)).isEmpty();
    }

    /** A record deferred {@value #MAX_DEFERRALS} times spends an attempt on each further deferral, and is dead-lettered in the end. */
    @Test
    void theDeferralCapTurnsFurtherDeferralsIntoSpentAttemptsUntilTheRecordIsDeadLettered() {
        api.on("PUT", "/out/*", FakeApi.Reply.json(200, "{}"));
        Envelope record = record("r-capped");
        store().claim(world.integration, DeliverStep.STEP, record.idempotencyKey()); // held for the whole test
        world.clock.advanceSeconds(LEASE_SECONDS - 1); // so each deferral waits the shortest time
        Envelope often = record;
        for (int i = 0; i < MAX_DEFERRALS - 1; i++) {
            often = often.withDeferral(new Failure(DeliverStep.STEP, 1, FailureKind.THROTTLED, "busy " + i, null, null,
                    world.clock.instant()));
        }

        world.runtime().deliverStep().handle(world.deliverEvent(often));
        List<Envelope> last = world.take(FerryConfig.Queue.DELIVER, 1, 5);
        assertThat(last).as("the 100th deferral is still free").hasSize(1);
        assertThat(last.getFirst().attempt()).isZero();
        assertThat(last.getFirst().failures()).hasSize(MAX_DEFERRALS);

        Envelope current = last.getFirst();
        for (int attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
            world.runtime().deliverStep().handle(world.deliverEvent(current));
            List<Envelope> back = world.take(FerryConfig.Queue.DELIVER, 1, 5);
            assertThat(back).as("attempt %d goes back to the queue", attempt).hasSize(1);
            current = back.getFirst();
            assertThat(current.attempt()).isEqualTo(attempt);
            assertThat(current.failures().getLast().kind()).isEqualTo(FailureKind.RETRYABLE);
            assertThat(current.failures().getLast().reason()).contains("(deferred " + MAX_DEFERRALS + " times)");
        }
        world.runtime().deliverStep().handle(world.deliverEvent(current));

        List<Envelope> dead = world.take(FerryConfig.Queue.DELIVER_DLQ, 1, 5);
        assertThat(dead).as("out of attempts after the cap").hasSize(1);
        assertThat(dead.getFirst().attempt()).isEqualTo(MAX_ATTEMPTS);
        assertThat(dead.getFirst().failures().getLast().reason()).contains("another worker is delivering").contains("deferred");
        assertThat(world.take(FerryConfig.Queue.DELIVER, 0, 0)).isEmpty();
        assertThat(api.requests()).isEmpty();
    }
}
