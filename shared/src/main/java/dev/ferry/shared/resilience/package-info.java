/**
 * Limits on every call to an API: the DynamoDB-shared rate budget, SmallRye Fault Tolerance guards
 * (timeout, circuit, bulkhead, quick retries within the invocation's time) and the APIs' own rate-limit headers.
 */
package dev.ferry.shared.resilience;
