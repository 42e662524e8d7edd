/**
 * Ferry's metrics: {@link dev.ferry.shared.metrics.StepMetrics}, the one facade the steps, the API clients and the
 * handlers record into (records in, delivered, deferred by reason, dead-lettered by kind, API calls by status class,
 * poll runs, webhooks, cold starts), gathered per invocation and handed once, at its end, to a
 * {@link dev.ferry.shared.metrics.MetricsSink}: {@link dev.ferry.shared.metrics.EmfMetrics} writes CloudWatch
 * Embedded Metric Format lines to stdout, {@link dev.ferry.shared.metrics.InMemoryMetrics} keeps them for tests.
 * Foundation layer: depends only on the failure model ({@code envelope}) and configuration, so every layer above can
 * record; the dimensions are fixed here, so the number of metrics an integration creates is bounded (see
 * docs/operations.md).
 */
package dev.ferry.shared.metrics;
