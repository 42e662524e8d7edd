package dev.ferry.shared.steps;

import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.metrics.RecordEvent;
import dev.ferry.shared.lambda.SqsBatchResponse;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.lookup.LookupService;
import dev.ferry.shared.mapping.FieldMapper;
import dev.ferry.shared.mapping.Lookups;
import dev.ferry.shared.mapping.MappingException;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * The transform step: applies the integration's mapping and queues the result for delivery. Specs that
 * declare lookups make cached GETs while mapping ({@link LookupService}); their failures are classified
 * like any call's (retryable, throttled and deferred, permanent).
 */
public final class TransformStep {

    private static final Logger LOG = Logger.getLogger(TransformStep.class);
    public static final String STEP = "transform";

    private final IntegrationRegistry integrations;
    private final QueueSender sender;
    private final SqsBatchRunner runner;
    private final String deliverQueue;
    private final Supplier<LookupService> lookups;
    private final FieldMapper mapper = new FieldMapper();
    private final dev.ferry.shared.mapping.OutputValidator validator = new dev.ferry.shared.mapping.OutputValidator();

    /** For specs without lookups only. */
    public TransformStep(IntegrationRegistry integrations, QueueSender sender, FerryConfig config, Clock clock) {
        this(integrations, sender, () -> null, config, clock);
    }

    /** @param lookups built when the first spec with lookups is transformed */
    public TransformStep(IntegrationRegistry integrations, QueueSender sender, Supplier<LookupService> lookups,
                         FerryConfig config, Clock clock) {
        this.integrations = integrations;
        this.lookups = lookups;
        this.sender = sender;
        this.deliverQueue = config.queueUrl(FerryConfig.Queue.DELIVER);
        this.runner = new SqsBatchRunner(STEP, sender, config.queueUrl(FerryConfig.Queue.TRANSFORM),
                config.queueUrl(FerryConfig.Queue.TRANSFORM_DLQ), config.maxAttempts(), config.retryBaseDelaySeconds(), clock);
    }

    public SqsBatchResponse handle(SqsEvent event) {
        return runner.run(event, this::transform);
    }

    private void transform(Envelope envelope) {
        IntegrationSpec spec = integrations.require(envelope.integration());
        if (envelope.source() != null && envelope.source().thin()) {
            throw StepFailure.permanent("record " + envelope.recordId() + " is a thin event that was never fetched");
        }
        var mapped = map(spec, envelope);
        var violations = validator.violations(spec, mapped);
        if (!violations.isEmpty()) {
            throw StepFailure.permanent("record " + envelope.recordId() + " does not fit the destination schema: "
                    + String.join("; ", violations));
        }
        sender.send(deliverQueue, envelope.mapped(mapped), 0);
        Invocation.current().metrics().forwarded(spec.name(), STEP, 1);
        Invocation.current().metrics().seen(STEP, envelope, RecordEvent.Outcome.FORWARDED, envelope.attempt() + 1, "mapped, queued for delivery");
        LOG.infof("transform %s: record %s mapped, queued for delivery [trace %s]", spec.name(), envelope.recordId(),
                envelope.traceId());
    }

    private Lookups lookupsFor(IntegrationSpec spec, String traceId) {
        if (spec.lookups().isEmpty()) {
            return Lookups.NONE;
        }
        LookupService service = lookups.get();
        if (service == null) {
            throw StepFailure.permanent("integration '" + spec.name() + "' declares lookups, but this transform step"
                    + " was built without lookups");
        }
        return service.forSpec(spec, traceId);
    }

    private com.fasterxml.jackson.databind.node.ObjectNode map(IntegrationSpec spec, Envelope envelope) {
        try {
            return mapper.map(spec, envelope.payload(), lookupsFor(spec, envelope.traceId()));
        } catch (MappingException e) {
            throw StepFailure.permanent("mapping failed for record " + envelope.recordId() + ": " + e.getMessage());
        }
    }
}
