/**
 * Outbound HTTP: one caller with timeouts, redaction of query secrets and status classification into
 * {@code StepFailure}s; applies outbound auth to a request.
 */
package dev.ferry.shared.http;
