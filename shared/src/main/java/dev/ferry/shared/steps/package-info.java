/**
 * The four steps — webhook, fetch, transform, deliver — as plain Java over the layers below, and the SQS
 * batch runner they share (per-record outcomes, retries with backoff, dead letters with history).
 */
package dev.ferry.shared.steps;
