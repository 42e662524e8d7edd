/**
 * The versioned envelope every queue carries (record, keys, trace, attempt, failure history) and the whole failure
 * model ({@code Failure} in a record's history, {@code FailureKind}, {@code StepFailure} thrown by a step). Bottom layer: depends on nothing else in Ferry.
 */
package dev.ferry.shared.envelope;
