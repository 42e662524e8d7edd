package dev.ferry.shared.metrics;

import dev.ferry.shared.config.FerryConfig;
import org.jboss.logging.Logger;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

import java.util.List;
import java.util.Map;

/**
 * Writes each group as one CloudWatch Embedded Metric Format line to stdout, through the official
 * {@code aws-embedded-metrics} library: on Lambda the function's log group turns those lines into metrics, with no
 * API call and no agent. The Lambda environment is given, not detected: detection would probe EC2/ECS metadata
 * endpoints when run outside Lambda (locally, in tests), and the same lines are wanted there too. Only Ferry's own
 * dimensions are set (the library's defaults, LogGroup/ServiceName/ServiceType, would multiply the metrics).
 */
public final class EmfMetrics implements MetricsSink {

    private static final Logger LOG = Logger.getLogger(EmfMetrics.class);
    public static final String DEFAULT_NAMESPACE = "Ferry";

    private final String namespace;
    private final Environment environment = new LambdaEnvironment();

    public EmfMetrics(String namespace) {
        this.namespace = namespace;
    }

    /** EMF under {@link FerryConfig#METRICS_NAMESPACE}, or nothing when {@link FerryConfig#METRICS_ENABLED} is false. */
    public static MetricsSink fromConfig(FerryConfig config) {
        if (config.get(FerryConfig.METRICS_ENABLED).map(v -> v.trim().equalsIgnoreCase("false")).orElse(false)) {
            return MetricsSink.NONE;
        }
        return new EmfMetrics(config.get(FerryConfig.METRICS_NAMESPACE).filter(v -> !v.isBlank()).orElse(DEFAULT_NAMESPACE));
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public void publish(List<MetricGroup> groups) {
        for (MetricGroup group : groups) {
            try {
                MetricsLogger logger = new MetricsLogger(environment);
                logger.setNamespace(namespace);
                DimensionSet dimensions = new DimensionSet();
                for (Map.Entry<String, String> d : group.dimensions().entrySet()) {
                    dimensions.addDimension(d.getKey(), d.getValue());
                }
                logger.setDimensions(dimensions);
                for (MetricGroup.Metric metric : group.metrics()) {
                    for (double value : metric.values()) {
                        logger.putMetric(metric.name(), value, unit(metric.unit()));
                    }
                }
                logger.flush();
            } catch (RuntimeException e) {
                // A metric never fails a record: say so once per group and go on.
                LOG.warnf("metrics %s could not be written as EMF: %s", group.dimensions(), e.toString());
            }
        }
    }

    private static Unit unit(MetricGroup.Unit unit) {
        return switch (unit) {
            case COUNT -> Unit.COUNT;
            case MILLISECONDS -> Unit.MILLISECONDS;
            case SECONDS -> Unit.SECONDS;
        };
    }
}
