package dev.ferry.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.ferry.deliver.DeliverFunction;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.SqsEventSource;
import dev.ferry.transform.TransformFunction;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A local pipeline plus extra transform or deliver workers, each its own runtime (own token blocks, circuit
 * breakers and caches), as separate Lambda instances would be; sums their DynamoDB and lookup costs.
 */
final class Workers implements AutoCloseable {

    private final LocalFerry ferry;
    private final List<FerryRuntime> runtimes = new ArrayList<>();
    private final List<SqsEventSource> extra = new ArrayList<>();

    private Workers(LocalFerry ferry) {
        this.ferry = ferry;
        runtimes.add(ferry.runtime());
    }

    /** The pipeline and {@code workers - 1} more workers on {@code queue} (TRANSFORM or DELIVER). */
    static Workers start(AwsEmulators aws, Map<String, String> settings, FerryConfig.Queue queue, int workers) {
        Workers all = new Workers(new LocalFerry(aws, settings).startPollers());
        for (int i = 1; i < workers; i++) {
            Map<String, String> config = new HashMap<>(aws.config());
            config.putAll(settings);
            FerryConfig ferryConfig = FerryConfig.of(config);
            FerryRuntime runtime = new FerryRuntime(ferryConfig, Clock.systemUTC());
            all.runtimes.add(runtime);
            SqsEventSource source = switch (queue) {
                case DELIVER -> LocalFerry.deliverSource(aws, ferryConfig, new DeliverFunction(runtime.deliverStep()),
                        "ferry-deliver-" + i);
                case TRANSFORM -> worker(aws, queue, new TransformFunction(runtime.transformStep()), "ferry-transform-" + i);
                default -> throw new IllegalArgumentException("no extra workers for " + queue);
            };
            all.extra.add(source.start());
        }
        return all;
    }

    private static SqsEventSource worker(AwsEmulators aws, FerryConfig.Queue queue, RequestStreamHandler handler, String name) {
        return new SqsEventSource(aws.sqs(), aws.queueUrl(queue), aws.queueArn(queue), handler, name);
    }

    LocalFerry ferry() {
        return ferry;
    }

    List<FerryRuntime> runtimes() {
        return runtimes;
    }

    long rateLimitDynamoCalls() {
        return runtimes.stream().mapToLong(r -> r.resilience().rateLimitDynamoCalls()).sum();
    }

    long idempotencyDynamoCalls() {
        return runtimes.stream().mapToLong(r -> r.idempotency().dynamoCalls()).sum();
    }

    @Override
    public void close() {
        extra.forEach(SqsEventSource::close);
        ferry.close();
    }
}
