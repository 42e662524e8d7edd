package dev.ferry.testing;

import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.SqsEvent;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exactly-once core wired as a function wires it ({@link FerryRuntime}), against the shared emulators and a
 * {@link FakeApi}, with queues of its own (so no other test's messages meet it) and a clock the test moves: one
 * integration per world, written to a temporary directory. Closing it deletes its queues (the emulators are shared
 * by every test class of this module, and some count the queues).
 */
final class CoreWorld implements AutoCloseable {

    /** A clock the test moves by hand; safe to read from the fake API's threads. */
    static final class MovableClock extends Clock {
        private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        void advanceSeconds(long seconds) {
            millis.addAndGet(seconds * 1000);
        }
    }

    final AwsEmulators aws;
    final FakeApi api;
    final String integration;
    final MovableClock clock = new MovableClock();
    final Map<FerryConfig.Queue, String> queues = new EnumMap<>(FerryConfig.Queue.class);
    final FerryConfig config;

    /**
     * @param spec the integration's YAML, with {@code %s} for its name; {@code ${api.url}} is the fake API
     * @param settings extra configuration (lease seconds, attempts...)
     */
    CoreWorld(AwsEmulators aws, FakeApi api, Path dir, String prefix, String spec, Map<String, String> settings) {
        this.aws = aws;
        this.api = api;
        this.integration = prefix + "-" + Long.toString(System.nanoTime(), 36);
        Path integrations = dir.resolve("integrations");
        try {
            Files.createDirectories(integrations);
            Files.writeString(integrations.resolve(integration + ".yaml"), spec.formatted(integration));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new LinkedHashMap<>(aws.config());
        for (FerryConfig.Queue queue : FerryConfig.Queue.values()) {
            String name = integration + "-" + queue.id();
            queues.put(queue, aws.sqs().createQueue(r -> r.queueName(name)).queueUrl());
            values.put(queue.key(), queues.get(queue));
        }
        values.put(FerryConfig.INTEGRATIONS_DIR, integrations.toString());
        values.put(FerryConfig.LOCAL_MODE, "true"); // the fake API speaks plain http on loopback
        values.put(FerryConfig.RETRY_BASE_DELAY, "0");
        values.put("api.url", api.baseUrl());
        values.putAll(settings);
        this.config = FerryConfig.of(values);
    }

    @Override
    public void close() {
        queues.values().forEach(url -> aws.sqs().deleteQueue(r -> r.queueUrl(url)));
    }

    /** A new runtime: one function instance (its own caches), sharing the tables, queues and clock. */
    FerryRuntime runtime() {
        return new FerryRuntime(config, clock);
    }

    /** Waits up to {@code waitSeconds} for the messages of {@code queue} and deletes them; their envelopes, in order. */
    List<Envelope> take(FerryConfig.Queue queue, int expected, int waitSeconds) {
        List<Envelope> envelopes = new ArrayList<>();
        for (Message m : receive(queue, expected, waitSeconds)) {
            envelopes.add(read(m.body()));
        }
        return envelopes;
    }

    /** Received (and deleted) messages of {@code queue}: at least {@code expected} unless the wait runs out first. */
    List<Message> receive(FerryConfig.Queue queue, int expected, int waitSeconds) {
        String url = queues.get(queue);
        List<Message> all = new ArrayList<>();
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        do {
            List<Message> batch = aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(waitSeconds > 0 ? 1 : 0)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
            for (Message m : batch) {
                aws.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
            all.addAll(batch);
        } while (all.size() < expected && System.nanoTime() < deadline);
        return all;
    }

    /** Puts the envelope on the deliver queue and receives it back as Lambda's SQS event would carry it. */
    SqsEvent deliverEvent(Envelope envelope) {
        runtime().queueSender().send(queues.get(FerryConfig.Queue.DELIVER), envelope, 0);
        List<Message> messages = receive(FerryConfig.Queue.DELIVER, 1, 5);
        if (messages.size() != 1) {
            throw new AssertionError("expected the one message just sent, got " + messages.size());
        }
        return event(messages);
    }

    static SqsEvent event(List<Message> messages) {
        List<SqsEvent.Message> records = new ArrayList<>();
        for (Message m : messages) {
            Map<String, String> attributes = new LinkedHashMap<>();
            m.attributesAsStrings().forEach(attributes::put);
            records.add(new SqsEvent.Message(m.messageId(), m.receiptHandle(), m.body(), attributes, Map.of(), m.md5OfBody(),
                    "aws:sqs", "arn:aws:sqs:" + AwsEmulators.REGION + ":" + AwsEmulators.ACCOUNT_ID + ":test", AwsEmulators.REGION));
        }
        return new SqsEvent(records);
    }

    static Envelope read(String body) {
        try {
            return Json.read(body, Envelope.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
