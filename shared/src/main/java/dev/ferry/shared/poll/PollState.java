package dev.ferry.shared.poll;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Cursors and run leases of scheduled fetches, in the state table (hash key {@code pk}, range key
 * {@code sk}). Per integration, {@code pk = poll#<integration>}:
 * <ul>
 *   <li>{@code sk = cursor}: the last committed position and a version that grows by one per commit;
 *   a commit names the version it read and the lease it holds, in one transaction, so two runs can
 *   never both advance it and a run that lost its lease cannot move it at all;</li>
 *   <li>{@code sk = lease#<kind>}: who runs now and until when; a live lease turns other runs away,
 *   an expired one (a crashed run) is taken over.</li>
 * </ul>
 */
public final class PollState {

    public static final String PK = "pk";
    public static final String SK = "sk";
    static final String CURSOR_SK = "cursor";
    static final String VALUE = "value";
    static final String VERSION = "version";
    static final String OWNER = "owner";
    static final String LEASE_UNTIL = "leaseUntil";
    static final String COMMITTED_AT = "committedAt";
    static final String RUN = "runId";
    /** The table's TTL attribute (epoch seconds): lease items vanish a day after they lapse. */
    static final String TTL = "expiresAt";

    /** A committed cursor; {@code version} 0 and a null value when none was committed yet. */
    public record Cursor(String value, long version, Instant committedAt) {
    }

    public sealed interface Lease {
        record Acquired(String owner, Instant until) implements Lease {
        }

        record Busy(String holder, Instant until) implements Lease {
        }
    }

    /** The cursor moved since it was read, or the lease was lost: nothing was written. */
    public static final class ConflictException extends RuntimeException {
        public ConflictException(String message) {
            super(message);
        }
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public PollState(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    static String pk(String integration) {
        return "poll#" + integration;
    }

    static String leaseSk(String kind) {
        return "lease#" + kind;
    }

    public Cursor cursor(String integration) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(integration, CURSOR_SK))).item();
        if (item == null || item.isEmpty()) {
            return new Cursor(null, 0, null);
        }
        AttributeValue at = item.get(COMMITTED_AT);
        return new Cursor(item.get(VALUE) == null ? null : item.get(VALUE).s(), Long.parseLong(item.get(VERSION).n()),
                at == null ? null : Instant.parse(at.s()));
    }

    /**
     * Takes the lease {@code kind} (e.g. schedule) for {@code owner} until now + {@code duration}: when
     * nobody holds it, when the holder's lease lapsed, or when {@code owner} already holds it (renewal).
     */
    public Lease acquire(String integration, String kind, String owner, Duration duration) {
        Instant now = clock.instant();
        Instant until = now.plus(duration);
        Map<String, AttributeValue> item = new HashMap<>(key(integration, leaseSk(kind)));
        item.put(OWNER, s(owner));
        item.put(LEASE_UNTIL, n(until.toEpochMilli()));
        item.put(TTL, n(until.plus(Duration.ofDays(1)).getEpochSecond()));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #until < :now OR #owner = :owner")
                    .expressionAttributeNames(Map.of("#pk", PK, "#until", LEASE_UNTIL, "#owner", OWNER))
                    .expressionAttributeValues(Map.of(":now", n(now.toEpochMilli()), ":owner", s(owner)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Lease.Acquired(owner, until);
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.hasItem() ? e.item()
                    : dynamo.getItem(r -> r.tableName(table).consistentRead(true).key(key(integration, leaseSk(kind)))).item();
            if (old == null || old.isEmpty()) {
                return acquire(integration, kind, owner, duration); // released in between
            }
            return new Lease.Busy(old.get(OWNER).s(), Instant.ofEpochMilli(Long.parseLong(old.get(LEASE_UNTIL).n())));
        }
    }

    /** Gives the lease back if {@code owner} still holds it. */
    public void release(String integration, String kind, String owner) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(key(integration, leaseSk(kind)))
                    .conditionExpression("#owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", OWNER))
                    .expressionAttributeValues(Map.of(":owner", s(owner))));
        } catch (ConditionalCheckFailedException e) {
            // taken over meanwhile: nothing of ours to release
        }
    }

    /** Who holds the lease now, if anyone (expired leases included, with their end). */
    public java.util.Optional<Lease.Busy> holder(String integration, String kind) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(key(integration, leaseSk(kind)))).item();
        if (item == null || item.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Lease.Busy(item.get(OWNER).s(), Instant.ofEpochMilli(Long.parseLong(item.get(LEASE_UNTIL).n()))));
    }

    /**
     * Moves the cursor from the version {@code expectedVersion} to {@code value}, only while {@code owner}
     * holds the lease {@code kind}; both are checked in one transaction.
     *
     * @return the new version
     * @throws ConflictException when the cursor moved since it was read or the lease is held by another run
     */
    public long commit(String integration, String kind, String owner, long expectedVersion, String value, String runId) {
        long next = expectedVersion + 1;
        TransactWriteItem leaseCheck = TransactWriteItem.builder().conditionCheck(c -> c.tableName(table)
                .key(key(integration, leaseSk(kind)))
                .conditionExpression("#owner = :owner")
                .expressionAttributeNames(Map.of("#owner", OWNER))
                .expressionAttributeValues(Map.of(":owner", s(owner)))).build();
        Map<String, String> names = new HashMap<>(Map.of("#value", VALUE, "#version", VERSION, "#at", COMMITTED_AT, "#run", RUN));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":value", s(value), ":next", n(next),
                ":at", s(clock.instant().toString()), ":run", s(runId)));
        String condition;
        if (expectedVersion == 0) {
            condition = "attribute_not_exists(#pk)";
            names.put("#pk", PK);
        } else {
            condition = "#version = :expected";
            values.put(":expected", n(expectedVersion));
        }
        TransactWriteItem update = TransactWriteItem.builder().update(u -> u.tableName(table)
                .key(key(integration, CURSOR_SK))
                .updateExpression("SET #value = :value, #version = :next, #at = :at, #run = :run")
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)).build();
        for (int attempt = 1; ; attempt++) {
            try {
                dynamo.transactWriteItems(r -> r.transactItems(leaseCheck, update));
                return next;
            } catch (TransactionCanceledException e) {
                // Another transaction on the same items at the same moment (a racing run's lease check) cancels this
                // one with TransactionConflict: nothing was decided, so ask again; only a failed condition is a conflict.
                if (attempt < COMMIT_ATTEMPTS && onlyTransactionConflicts(e)) {
                    pauseBeforeRetry(attempt);
                    continue;
                }
                throw conflict(e, integration, kind, runId, expectedVersion);
            }
        }
    }

    /**
     * How often a commit cancelled only by concurrent transactions is tried in all. Racing runs retry too, so on a busy
     * machine five tries with short pauses were once all lost by the lease holder; ten with doubling pauses (capped at
     * {@link #MAX_PAUSE_MILLIS}) wait about five seconds in the worst case, which is what DynamoDB asks for conflicts.
     */
    static final int COMMIT_ATTEMPTS = 10;

    /** The longest pause between two commit attempts. */
    static final long MAX_PAUSE_MILLIS = 1_000;

    private static boolean onlyTransactionConflicts(TransactionCanceledException e) {
        return e.hasCancellationReasons() && e.cancellationReasons().stream().map(CancellationReason::code)
                .noneMatch("ConditionalCheckFailed"::equals)
                && e.cancellationReasons().stream().map(CancellationReason::code).anyMatch("TransactionConflict"::equals);
    }

    private static void pauseBeforeRetry(int attempt) {
        try {
            // Full jitter over a doubling ceiling, so racing runs spread out instead of colliding again in step.
            long ceiling = Math.min(MAX_PAUSE_MILLIS, 20L << Math.min(attempt, 10));
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, ceiling + 1));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static ConflictException conflict(TransactionCanceledException e, String integration, String kind, String runId,
                                              long expectedVersion) {
        String reasons = e.hasCancellationReasons() ? e.cancellationReasons().stream()
                .map(CancellationReason::code).collect(Collectors.joining(", ")) : "unknown";
        boolean leaseLost = e.hasCancellationReasons() && "ConditionalCheckFailed".equals(e.cancellationReasons().getFirst().code());
        return new ConflictException("cursor of " + integration + " not committed: "
                + (leaseLost ? "run " + runId + " no longer holds the " + kind + " lease"
                : "it moved since version " + expectedVersion + " was read") + " (" + reasons + ")");
    }

    private static Map<String, AttributeValue> key(String integration, String sk) {
        return Map.of(PK, s(pk(integration)), SK, s(sk));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
