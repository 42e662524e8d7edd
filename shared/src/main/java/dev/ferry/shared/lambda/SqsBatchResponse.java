package dev.ferry.shared.lambda;

import java.util.List;

/** Partial batch response: only the listed messages go back to the queue (needs ReportBatchItemFailures). */
public record SqsBatchResponse(List<ItemFailure> batchItemFailures) {

    public record ItemFailure(String itemIdentifier) {
    }

    public static SqsBatchResponse of(List<String> failedMessageIds) {
        return new SqsBatchResponse(failedMessageIds.stream().map(ItemFailure::new).toList());
    }
}
