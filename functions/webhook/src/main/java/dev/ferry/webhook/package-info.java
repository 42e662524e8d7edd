/**
 * The webhook Lambda function: a thin {@code FerryHandler} over the webhook step in {@code dev.ferry.shared.steps}.
 */
package dev.ferry.webhook;
