package dev.ferry.shared.lambda;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * An EventBridge "Scheduled Event". Ferry's schedules put the integration to poll in
 * {@code detail.integration} (the template sets it as the schedule's input).
 */
public record ScheduledEvent(String version, String id, @JsonProperty("detail-type") String detailType,
                             String source, String account, String time, String region, List<String> resources,
                             JsonNode detail) {

    public String integration() {
        JsonNode name = detail == null ? null : detail.get("integration");
        return name == null || name.isNull() ? null : name.asText();
    }
}
