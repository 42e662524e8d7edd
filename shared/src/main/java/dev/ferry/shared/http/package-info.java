/**
 * Outbound HTTP: one caller with timeouts, redaction of query secrets and status classification into
 * {@code StepFailure}s (the failure model lives in {@code envelope}). Knows nothing of auth or specs.
 */
package dev.ferry.shared.http;
