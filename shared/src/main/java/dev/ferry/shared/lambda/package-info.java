/**
 * Lambda's shapes and the way into a function: event records (HTTP API, SQS, schedule), responses,
 * {@code FerryHandler} (the entry point every function shares) and {@code Invocation} (its deadline).
 */
package dev.ferry.shared.lambda;
