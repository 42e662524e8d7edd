package dev.ferry.shared.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.Failure;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.mapping.FieldMapper;
import dev.ferry.shared.mapping.Lookups;
import dev.ferry.shared.mapping.MappingException;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Re-drives dead letters through the <em>current</em> specs. A record that died at transform or deliver
 * is re-transformed from its original source payload, so a fixed mapping fixes the backlog; one that
 * died at fetch is fetched again. Filters pick what to replay; a dry run shows what would be sent
 * (the record as the current mapping makes it, or the error it would hit) and changes nothing.
 */
public final class Replayer {

    private static final Logger LOG = Logger.getLogger(Replayer.class);

    /**
     * @param integration only this integration (null: all)
     * @param kind        only records whose last failure is of this kind (null: all)
     * @param from        only records whose last failure is at or after this instant (null: no bound)
     * @param to          ... and before this instant (null: no bound)
     * @param dryRun      show, send nothing, leave the dead letters where they are
     * @param recordId    only this record (null: all), e.g. one dead letter picked in ferry dev's console
     */
    public record Filter(String integration, FailureKind kind, Instant from, Instant to, boolean dryRun, String recordId) {
        public Filter(String integration, FailureKind kind, Instant from, Instant to, boolean dryRun) {
            this(integration, kind, from, to, dryRun, null);
        }

        public static Filter all() {
            return new Filter(null, null, null, null, false);
        }

        public Filter dry() {
            return new Filter(integration, kind, from, to, true, recordId);
        }

        /** The same filter, for one record of one integration. */
        public Filter only(String integrationName, String record) {
            return new Filter(integrationName, kind, from, to, dryRun, record);
        }

        boolean matches(Envelope e) {
            Failure last = e.failures().isEmpty() ? null : e.failures().getLast();
            return (integration == null || integration.equals(e.integration()))
                    && (recordId == null || recordId.equals(e.recordId()))
                    && (kind == null || (last != null && last.kind() == kind))
                    && (from == null || (last != null && !last.at().isBefore(from)))
                    && (to == null || (last != null && last.at().isBefore(to)));
        }
    }

    /**
     * One dead letter looked at.
     *
     * @param action  replayed, would-replay, skipped (filter), unreadable
     * @param target  the queue it was (or would be) sent to
     * @param preview what the current mapping makes of it (transform/deliver dead letters)
     * @param error   why the current spec would still fail it, if it would
     */
    public record Item(String queue, String integration, String recordId, String action, String target, JsonNode preview,
                       String error) {
    }

    public record Report(int scanned, int matched, int replayed, List<Item> items) {
    }

    /**
     * One dead letter as it lies in its queue.
     *
     * @param envelope the record with its whole failure history; null when the message is not an envelope
     * @param body     the message body as it is, when it is not an envelope (else null)
     */
    public record DeadLetter(String queue, String messageId, Envelope envelope, String body) {
    }

    /** What a scan does with one message: true to delete it (it was replayed), false to leave it where it is. */
    @FunctionalInterface
    private interface Visit {
        boolean take(FerryConfig.Queue dlq, Message message);
    }

    private final SqsClient sqs;
    private final QueueSender sender;
    private final IntegrationRegistry integrations;
    private final FerryConfig config;
    private final FieldMapper mapper = new FieldMapper();
    private final Function<IntegrationSpec, Lookups> lookups;

    public Replayer(SqsClient sqs, QueueSender sender, IntegrationRegistry integrations, FerryConfig config) {
        this(sqs, sender, integrations, config, spec -> Lookups.NONE);
    }

    /** @param lookups answers a spec's lookups for previews (the same cached GETs transform makes) */
    public Replayer(SqsClient sqs, QueueSender sender, IntegrationRegistry integrations, FerryConfig config,
                    Function<IntegrationSpec, Lookups> lookups) {
        this.lookups = lookups;
        this.sqs = sqs;
        this.sender = sender;
        this.integrations = integrations;
        this.config = config;
    }

    /** Looks at every dead letter of the three DLQs once. */
    public Report replay(Filter filter) {
        List<Item> items = new ArrayList<>();
        scan((dlq, m) -> {
            Item item = look(dlq, m, filter);
            items.add(item);
            return item.action().equals("replayed");
        });
        int matched = (int) items.stream().filter(i -> !i.action().equals("skipped") && !i.action().equals("unreadable")).count();
        int replayed = (int) items.stream().filter(i -> i.action().equals("replayed")).count();
        LOG.infof("replay%s: %d dead letters scanned, %d matched, %d replayed", filter.dryRun() ? " (dry run)" : "",
                items.size(), matched, replayed);
        return new Report(items.size(), matched, replayed, items);
    }

    /**
     * Every dead letter of the three DLQs, read and left where it is (visible again at once): for a person to look at
     * a record's history before replaying it. Scans the same way {@link #replay} does, so both see the same letters.
     */
    public List<DeadLetter> deadLetters() {
        List<DeadLetter> letters = new ArrayList<>();
        scan((dlq, m) -> {
            Envelope e;
            try {
                e = Json.read(m.body(), Envelope.class);
            } catch (IOException ex) {
                e = null;
            }
            letters.add(new DeadLetter(dlq.id(), m.messageId(), e, e == null ? m.body() : null));
            return false;
        });
        return letters;
    }

    /** Receives every message of the three DLQs once; deletes those {@code visit} took, makes the others visible again. */
    private void scan(Visit visit) {
        for (FerryConfig.Queue dlq : List.of(FerryConfig.Queue.FETCH_DLQ, FerryConfig.Queue.TRANSFORM_DLQ, FerryConfig.Queue.DELIVER_DLQ)) {
            String url = config.queueUrl(dlq);
            List<Message> leaveBehind = new ArrayList<>();
            while (true) {
                List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                        .visibilityTimeout(60).messageAttributeNames("All")).messages();
                if (batch.isEmpty()) {
                    break;
                }
                for (Message m : batch) {
                    if (visit.take(dlq, m)) {
                        sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
                    } else {
                        leaveBehind.add(m);
                    }
                }
            }
            // What was only looked at becomes visible again at once.
            for (Message m : leaveBehind) {
                sqs.changeMessageVisibility(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
            }
        }
    }

    private Item look(FerryConfig.Queue dlq, Message m, Filter filter) {
        Envelope e;
        try {
            e = Json.read(m.body(), Envelope.class);
        } catch (IOException ex) {
            return new Item(dlq.id(), null, null, "unreadable", null, null, "not an envelope");
        }
        if (e.recordId() == null || !filter.matches(e)) {
            return new Item(dlq.id(), e.integration(), e.recordId(), e.recordId() == null ? "unreadable" : "skipped",
                    null, null, null);
        }
        IntegrationSpec spec = integrations.find(e.integration()).orElse(null);
        if (spec == null) {
            return new Item(dlq.id(), e.integration(), e.recordId(), "skipped", null, null,
                    "integration '" + e.integration() + "' is not in the current specs");
        }
        Envelope again;
        FerryConfig.Queue target;
        JsonNode preview = null;
        String error = null;
        if (dlq == FerryConfig.Queue.FETCH_DLQ) {
            target = FerryConfig.Queue.FETCH;
            again = e.replayed(e.payload());
        } else {
            JsonNode original = dlq == FerryConfig.Queue.DELIVER_DLQ && e.sourcePayload() != null ? e.sourcePayload() : e.payload();
            if (dlq == FerryConfig.Queue.DELIVER_DLQ && e.sourcePayload() == null) {
                target = FerryConfig.Queue.DELIVER; // written before source payloads were kept: resend as mapped
                again = e.replayed(e.payload());
                preview = e.payload();
            } else {
                target = FerryConfig.Queue.TRANSFORM;
                again = e.replayed(original);
                try {
                    preview = mapper.map(spec, original, lookups.apply(spec));
                } catch (MappingException | StepFailure ex) {
                    error = ex.getMessage(); // a lookup that fails now (5xx, 429) may well work at transform
                }
            }
        }
        if (filter.dryRun()) {
            return new Item(dlq.id(), e.integration(), e.recordId(), "would-replay", target.id(), preview, error);
        }
        sender.send(config.queueUrl(target), again, 0);
        return new Item(dlq.id(), e.integration(), e.recordId(), "replayed", target.id(), preview, error);
    }
}
