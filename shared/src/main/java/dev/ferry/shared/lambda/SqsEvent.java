package dev.ferry.shared.lambda;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/** A batch of SQS messages, as Lambda's SQS event source delivers it. */
public record SqsEvent(@JsonProperty("Records") List<Message> records) {

    public SqsEvent {
        records = records == null ? List.of() : records;
    }

    public record Message(
            String messageId,
            String receiptHandle,
            String body,
            Map<String, String> attributes,
            Map<String, MessageAttribute> messageAttributes,
            String md5OfBody,
            String eventSource,
            @JsonProperty("eventSourceARN") String eventSourceArn,
            String awsRegion) {

        public int receiveCount() {
            String count = attributes == null ? null : attributes.get("ApproximateReceiveCount");
            return count == null ? 1 : Integer.parseInt(count);
        }
    }

    public record MessageAttribute(String stringValue, String binaryValue, List<String> stringListValues,
                                   List<String> binaryListValues, String dataType) {
    }
}
