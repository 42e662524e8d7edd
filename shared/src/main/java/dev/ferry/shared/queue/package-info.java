/**
 * Sending envelopes to SQS (batches, delays, size limit, message attributes).
 */
package dev.ferry.shared.queue;
