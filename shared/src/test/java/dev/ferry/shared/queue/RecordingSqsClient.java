package dev.ferry.shared.queue;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory SqsClient for unit tests: records what is sent; queues listed in {@link #failing} refuse. */
public final class RecordingSqsClient implements SqsClient {

    public final List<SendMessageRequest> sent = new CopyOnWriteArrayList<>();
    public final List<SendMessageBatchRequest> batches = new CopyOnWriteArrayList<>();
    public volatile Set<String> failing = Set.of();

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        if (failing.contains(request.queueUrl())) {
            throw SqsException.builder().message("queue " + request.queueUrl() + " refused").statusCode(500).build();
        }
        sent.add(request);
        return SendMessageResponse.builder().messageId("id-" + sent.size()).build();
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
        if (failing.contains(request.queueUrl())) {
            throw SqsException.builder().message("queue " + request.queueUrl() + " refused").statusCode(500).build();
        }
        batches.add(request);
        List<SendMessageBatchResultEntry> ok = new ArrayList<>();
        request.entries().forEach(e -> ok.add(SendMessageBatchResultEntry.builder().id(e.id()).messageId("m").build()));
        return SendMessageBatchResponse.builder().successful(ok).failed(List.of()).build();
    }

    public List<SendMessageRequest> sentTo(String queueUrl) {
        return sent.stream().filter(r -> r.queueUrl().equals(queueUrl)).toList();
    }

    @Override
    public String serviceName() {
        return "sqs";
    }

    @Override
    public void close() {
    }
}
