/**
 * Secrets Manager reads with a TTL cache (current and previous versions) and write-back of refreshed tokens.
 */
package dev.ferry.shared.secrets;
