/**
 * Scheduled polling: list plans (pagination, cursors, windows), the page walker, cursor state and leases in
 * DynamoDB, continuations and backfills.
 */
package dev.ferry.shared.poll;
