/**
 * The versioned envelope every queue carries (record, keys, trace, attempt, failure history) and the failure
 * model ({@code Failure}, {@code FailureKind}). Bottom layer: depends on nothing else in Ferry.
 */
package dev.ferry.shared.envelope;
