package dev.ferry.shared.idempotency;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One DynamoDB item per (integration, step, key) makes a step safe to repeat. A worker first
 * <em>claims</em> the key with a conditional put that holds a lease; it then either <em>completes</em>
 * it (kept until the TTL, so a redelivery is a no-op) or <em>releases</em> it so a retry can claim it.
 * A lease that expires (the worker died) can be taken over.
 */
public final class IdempotencyStore {

    public static final String PK = "pk";
    static final String STATUS = "status";
    static final String LEASE_TOKEN = "leaseToken";
    static final String LEASE_EXPIRES = "leaseExpiresAt";
    /** The table's TTL attribute (epoch seconds). */
    public static final String TTL = "expiresAt";
    static final String DIGEST = "digest";

    static final String IN_PROGRESS = "IN_PROGRESS";
    static final String COMPLETED = "COMPLETED";

    public sealed interface Claim {
        /** This worker holds the key until the lease expires. */
        record Acquired(String key, String token) implements Claim {
        }

        /** The work was done before; {@code digest} summarises its result. */
        record AlreadyDone(String digest) implements Claim {
        }

        /** Another worker holds a live lease. */
        record Busy(Instant leaseExpires) implements Claim {
        }
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Duration lease;
    private final Duration ttl;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicLong dynamoCalls = new java.util.concurrent.atomic.AtomicLong();

    public IdempotencyStore(DynamoDbClient dynamo, String table, Duration lease, Duration ttl, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.lease = lease;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** DynamoDB requests made so far, for cost reporting. */
    public long dynamoCalls() {
        return dynamoCalls.get();
    }

    public static String key(String integration, String step, String key) {
        return integration + "#" + step + "#" + key;
    }

    /** Whether the work is recorded as done (a read only: nothing is claimed), e.g. for a dry run's report. */
    public boolean completed(String integration, String step, String idempotencyKey) {
        dynamoCalls.incrementAndGet();
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(Map.of(PK, s(key(integration, step, idempotencyKey)))).consistentRead(true)).item();
        return item != null && item.containsKey(STATUS) && COMPLETED.equals(item.get(STATUS).s());
    }

    public Claim claim(String integration, String step, String idempotencyKey) {
        String pk = key(integration, step, idempotencyKey);
        String token = UUID.randomUUID().toString();
        long now = clock.instant().getEpochSecond();
        try {
            dynamoCalls.incrementAndGet();
            dynamo.putItem(r -> r.tableName(table)
                    .item(Map.of(PK, s(pk), STATUS, s(IN_PROGRESS), LEASE_TOKEN, s(token),
                            LEASE_EXPIRES, n(now + lease.toSeconds()), TTL, n(now + ttl.toSeconds())))
                    .conditionExpression("attribute_not_exists(#pk) OR (#status = :inProgress AND #lease < :now)")
                    .expressionAttributeNames(Map.of("#pk", PK, "#status", STATUS, "#lease", LEASE_EXPIRES))
                    .expressionAttributeValues(Map.of(":inProgress", s(IN_PROGRESS), ":now", n(now)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return new Claim.Acquired(pk, token);
        } catch (ConditionalCheckFailedException e) {
            if (!e.hasItem()) {
                dynamoCalls.incrementAndGet();
            }
            Map<String, AttributeValue> old = e.hasItem() ? e.item()
                    : dynamo.getItem(r -> r.tableName(table).key(Map.of(PK, s(pk))).consistentRead(true)).item();
            if (old == null || old.isEmpty()) {
                return claim(integration, step, idempotencyKey); // released in between: try again
            }
            if (COMPLETED.equals(old.get(STATUS).s())) {
                AttributeValue digest = old.get(DIGEST);
                return new Claim.AlreadyDone(digest == null ? null : digest.s());
            }
            return new Claim.Busy(Instant.ofEpochSecond(Long.parseLong(old.get(LEASE_EXPIRES).n())));
        }
    }

    /**
     * Marks the work done; false when the lease was lost to another worker meanwhile. The work was done even so: unless
     * another worker completed it first, it is recorded as done all the same (the other worker's claim is replaced, or
     * the released key recreated), or a worker that took over, failed and released would leave the key free and its
     * retry would do the work a second time.
     */
    public boolean complete(Claim.Acquired claim, String digest) {
        if (markDone(claim, digest, "attribute_exists(#pk) AND #token = :token AND #status = :inProgress")) {
            return true;
        }
        markDone(claim, digest, "attribute_not_exists(#pk) OR #status = :inProgress");
        return false;
    }

    /** The token goes with the lease, so that a later release by the worker who lost the key cannot delete the record. */
    private boolean markDone(Claim.Acquired claim, String digest, String condition) {
        long now = clock.instant().getEpochSecond();
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(":done", s(COMPLETED),
                ":digest", s(digest == null ? "-" : digest), ":ttl", n(now + ttl.toSeconds()), ":inProgress", s(IN_PROGRESS)));
        if (condition.contains(":token")) {
            values.put(":token", s(claim.token()));
        }
        try {
            dynamoCalls.incrementAndGet();
            dynamo.updateItem(r -> r.tableName(table).key(Map.of(PK, s(claim.key())))
                    .updateExpression("SET #status = :done, #digest = :digest, #ttl = :ttl REMOVE #lease, #token")
                    .conditionExpression(condition)
                    .expressionAttributeNames(Map.of("#pk", PK, "#status", STATUS, "#digest", DIGEST, "#ttl", TTL,
                            "#lease", LEASE_EXPIRES, "#token", LEASE_TOKEN))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Gives the key back so that a retry can claim it. */
    public void release(Claim.Acquired claim) {
        try {
            dynamoCalls.incrementAndGet();
            dynamo.deleteItem(r -> r.tableName(table).key(Map.of(PK, s(claim.key())))
                    .conditionExpression("#token = :token AND #status = :inProgress")
                    .expressionAttributeNames(Map.of("#token", LEASE_TOKEN, "#status", STATUS))
                    .expressionAttributeValues(Map.of(":token", s(claim.token()), ":inProgress", s(IN_PROGRESS))));
        } catch (ConditionalCheckFailedException e) {
            // someone else holds it now, or it is done: nothing of ours to release
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
