/**
 * The DynamoDB idempotency table: claims with leases, completion with TTL and result digest, release.
 */
package dev.ferry.shared.idempotency;
