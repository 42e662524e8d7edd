package dev.ferry.testing;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.queue.QueueException;
import dev.ferry.shared.queue.QueueSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * SendMessageBatch answers per entry: some can be refused while the rest are queued. ElasticMQ never refuses an entry
 * of a well-formed batch, so a proxy in front of it plays SQS' part for chosen records — it holds them back and reports
 * them failed, as SQS does with {@code InternalError} (a fault of SQS', worth one retry) or
 * {@code InvalidParameterValue} (the sender's, not) — and passes every other entry to ElasticMQ. What reached the queue
 * is then read back from ElasticMQ.
 */
@ExtendWith(SharedEmulators.class)
class QueueSenderBatchTest {

    /** How SQS answers a record's entry: refused this many more times, with this code and sender fault. */
    record Refusal(int times, String code, boolean senderFault) {
    }

    /** An SqsClient over ElasticMQ whose batch sends refuse the entries of the records named in {@code refusals}. */
    static final class RefusingSqs {
        final Map<String, Refusal> refusals = new ConcurrentHashMap<>();
        final AtomicInteger batchCalls = new AtomicInteger();
        final SqsClient client;

        RefusingSqs(SqsClient real) {
            client = (SqsClient) Proxy.newProxyInstance(SqsClient.class.getClassLoader(), new Class<?>[] {SqsClient.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("sendMessageBatch") && args != null && args.length == 1
                                && args[0] instanceof SendMessageBatchRequest request) {
                            return sendBatch(real, request);
                        }
                        if (method.getName().equals("sendMessageBatch") && args != null && args.length == 1
                                && args[0] instanceof Consumer<?> consumer) {
                            SendMessageBatchRequest.Builder builder = SendMessageBatchRequest.builder();
                            @SuppressWarnings("unchecked")
                            Consumer<SendMessageBatchRequest.Builder> fill = (Consumer<SendMessageBatchRequest.Builder>) consumer;
                            fill.accept(builder);
                            return sendBatch(real, builder.build());
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        private SendMessageBatchResponse sendBatch(SqsClient real, SendMessageBatchRequest request) {
            batchCalls.incrementAndGet();
            List<SendMessageBatchRequestEntry> passed = new ArrayList<>();
            List<BatchResultErrorEntry> failed = new ArrayList<>();
            for (SendMessageBatchRequestEntry entry : request.entries()) {
                String recordId = CoreWorld.read(entry.messageBody()).recordId();
                Refusal refusal = refusals.computeIfPresent(recordId, (k, r) -> r.times() <= 0 ? null
                        : new Refusal(r.times() - 1, r.code(), r.senderFault()));
                if (refusal != null) {
                    failed.add(BatchResultErrorEntry.builder().id(entry.id()).code(refusal.code()).senderFault(refusal.senderFault())
                            .message("refused by the test for " + recordId).build());
                } else {
                    passed.add(entry);
                }
            }
            if (passed.isEmpty()) {
                return SendMessageBatchResponse.builder().successful(List.of()).failed(failed).build();
            }
            SendMessageBatchResponse sent = real.sendMessageBatch(request.toBuilder().entries(passed).build());
            List<BatchResultErrorEntry> all = new ArrayList<>(sent.failed());
            all.addAll(failed);
            return sent.toBuilder().failed(all).build();
        }
    }

    static Envelope envelope(String recordId) {
        return Envelope.fresh("crm-contacts", recordId, recordId + "@1", null,
                new Envelope.SourceInfo("schedule", "run-1", null, false), TextNode.valueOf("payload of " + recordId));
    }

    static List<Envelope> envelopes(int count) {
        List<Envelope> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(envelope("r-%02d".formatted(i)));
        }
        return all;
    }

    /** Record ids of everything on the queue (received and deleted). */
    static List<String> queued(AwsEmulators aws, String url) {
        List<String> ids = new ArrayList<>();
        while (true) {
            List<Message> batch = aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            if (batch.isEmpty()) {
                return ids;
            }
            for (Message m : batch) {
                ids.add(CoreWorld.read(m.body()).recordId());
                aws.sqs().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
        }
    }

    final List<Runnable> cleanup = new ArrayList<>();

    /** A queue of this test's own, deleted after it (the emulators are shared, and some tests count the queues). */
    String queue(AwsEmulators aws) {
        String url = aws.sqs().createQueue(r -> r.queueName("batch-" + Long.toString(System.nanoTime(), 36))).queueUrl();
        cleanup.add(() -> aws.sqs().deleteQueue(r -> r.queueUrl(url)));
        return url;
    }

    @org.junit.jupiter.api.AfterEach
    void deleteQueues() {
        cleanup.forEach(Runnable::run);
    }

    @Test
    void anEntrySqsRefusedOnceIsRetriedAndEveryRecordIsQueuedExactlyOnce(AwsEmulators aws) {
        RefusingSqs sqs = new RefusingSqs(aws.sqs());
        sqs.refusals.put("r-03", new Refusal(1, "InternalError", false));
        sqs.refusals.put("r-07", new Refusal(1, "ThrottlingException", false));
        String url = queue(aws);

        new QueueSender(sqs.client).sendAll(url, envelopes(10));

        List<String> ids = queued(aws, url);
        assertThat(ids).hasSize(10).doesNotHaveDuplicates();
        assertThat(ids).containsExactlyInAnyOrderElementsOf(envelopes(10).stream().map(Envelope::recordId).toList());
        assertThat(sqs.batchCalls.get()).as("one batch, and one retry of the two refused entries").isEqualTo(2);
    }

    @Test
    void entriesRefusedForGoodAreReportedByRecordAndEveryOtherRecordOfEveryBatchIsQueued(AwsEmulators aws) {
        RefusingSqs sqs = new RefusingSqs(aws.sqs());
        sqs.refusals.put("r-02", new Refusal(Integer.MAX_VALUE, "InternalError", false)); // first batch, SQS keeps failing
        sqs.refusals.put("r-04", new Refusal(Integer.MAX_VALUE, "InvalidParameterValue", true)); // first batch, our fault
        sqs.refusals.put("r-15", new Refusal(Integer.MAX_VALUE, "InternalError", false)); // second batch
        String url = queue(aws);

        QueueException e = catchThrowableOfType(QueueException.class, () -> new QueueSender(sqs.client).sendAll(url, envelopes(25)));

        assertThat(e).as("refused entries are never dropped silently").isNotNull();
        assertThat(e.refusedRecordIds()).containsExactlyInAnyOrder("r-02", "r-04", "r-15");
        assertThat(e.getMessage()).contains("3 of 25").contains("r-02").contains("r-04").contains("r-15")
                .contains("InvalidParameterValue").contains("InternalError");
        List<String> ids = queued(aws, url);
        assertThat(ids).as("the batches after a refusal are still sent").hasSize(22).doesNotHaveDuplicates()
                .doesNotContain("r-02", "r-04", "r-15").contains("r-24");
        // three batches (10, 10, 5) and one retry each for the two with an SQS-side refusal; the sender's fault is not retried
        assertThat(sqs.batchCalls.get()).isEqualTo(5);
    }
}
