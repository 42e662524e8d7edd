/**
 * The DynamoDB idempotency table (claims with leases, completion with TTL and result digest, release) and the
 * keys records are claimed by ({@code IdempotencyKeys}: id + version, a key template, or a content digest).
 */
package dev.ferry.shared.idempotency;
