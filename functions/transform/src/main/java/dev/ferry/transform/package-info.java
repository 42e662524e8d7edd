/**
 * The transform Lambda function: a thin {@code FerryHandler} over the transform step in {@code dev.ferry.shared.steps}.
 */
package dev.ferry.transform;
