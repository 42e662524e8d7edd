package dev.ferry.shared.metrics;

import java.util.List;

/** Where an invocation's metrics go when it ends: EMF on stdout on AWS and locally, kept in memory in unit tests. */
@FunctionalInterface
public interface MetricsSink {

    /** Drops everything (metrics switched off). */
    MetricsSink NONE = groups -> {
    };

    /** Publishes one invocation's metrics; must not throw (a metric never fails a record). */
    void publish(List<MetricGroup> groups);
}
