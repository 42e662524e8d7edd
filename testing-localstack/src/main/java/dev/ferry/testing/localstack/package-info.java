/**
 * LocalStack through Testcontainers as an {@link dev.ferry.testing.ExternalAws}: the AWS the end-to-end suite runs
 * against under {@code -Plocalstack}. Nothing here is used by the default build or by {@code ferry dev}.
 */
package dev.ferry.testing.localstack;
