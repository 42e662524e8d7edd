/**
 * The deliver Lambda function: a thin {@code FerryHandler} over the deliver step in {@code dev.ferry.shared.steps}.
 */
package dev.ferry.deliver;
