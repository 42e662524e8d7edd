/**
 * Scheduled polling: the page walker over a {@link dev.ferry.shared.spec.paging.ListPlan}, cursor state and leases in
 * DynamoDB, continuations and backfills.
 */
package dev.ferry.shared.poll;
