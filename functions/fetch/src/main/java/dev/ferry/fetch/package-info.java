/**
 * The fetch Lambda function: a thin {@code FerryHandler} over the fetch step in {@code dev.ferry.shared.steps}.
 */
package dev.ferry.fetch;
