package dev.ferry.shared.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One integration, as declared in {@code integrations/NAME.yaml}: where records come from, how they
 * are verified, how their fields map, and where they go. Credentials are referred to by secret name.
 */
public record IntegrationSpec(
        String name,
        String description,
        String owner,
        Source source,
        Webhook webhook,
        String schedule,
        Map<String, FieldRule> mapping,
        Destination destination,
        Limits limits) {

    public IntegrationSpec {
        mapping = mapping == null ? Map.of() : new LinkedHashMap<>(mapping);
        limits = limits == null ? new Limits(null) : limits;
    }

    /**
     * @param recordId JSON Pointer to the record's id in a source record
     * @param version  optional JSON Pointer to a value that changes with each change of the record
     *                 (e.g. /updated_at); part of the idempotency key
     * @param get      how to fetch one record by id (thin webhooks)
     * @param list     how to poll for records (schedule)
     */
    public record Source(String recordId, String version, Auth auth, Get get, ListRequest list) {
    }

    /** {@code url} may hold {@code {id}}, replaced by the URL-encoded record id. */
    public record Get(String url, String recordPath) {
    }

    /**
     * @param url         the list endpoint
     * @param recordsPath JSON Pointer to the array of records in each page
     * @param pagination  how to get the next page (default: one page)
     * @param cursor      what to remember between runs (default: read everything each run)
     */
    public record ListRequest(String url, String recordsPath, Pagination pagination, Cursor cursor) {
    }

    /**
     * How a list is paged. {@code type}: none, next-token, offset, page or link-header.
     *
     * @param tokenPath   next-token: JSON Pointer to the next page's token (or URL) in a page
     * @param tokenParam  next-token: query parameter the token goes in; absent means the token is a URL
     * @param offsetParam offset: the offset parameter (default offset)
     * @param pageParam   page: the page number parameter (default page)
     * @param firstPage   page: number of the first page (default 1)
     * @param limitParam  offset/page/next-token: the page size parameter
     * @param limit       the page size asked for; a shorter page is the last one
     * @param hasMorePath JSON Pointer to a boolean that is false on the last page
     * @param maxPages    safety stop per run window (default 10000)
     */
    public record Pagination(String type, String tokenPath, String tokenParam, String offsetParam, String pageParam,
                             Integer firstPage, String limitParam, Integer limit, String hasMorePath, Integer maxPages) {
    }

    /**
     * What a scheduled run remembers. {@code type}: timestamp, id or token.
     *
     * @param field      timestamp/id: JSON Pointer to the record's change time or increasing id
     * @param param      the query parameter the cursor is sent in (e.g. updated_since)
     * @param untilParam timestamp: the query parameter bounding the window's end (e.g. updated_before)
     * @param format     timestamp: iso-8601 (default), epoch-seconds, epoch-millis or a DateTimeFormatter pattern
     * @param zone       timestamp: the source's time zone for patterns and zone-less ISO values (default UTC)
     * @param lookback   timestamp: ISO-8601 duration re-read before the cursor (e.g. PT5M)
     * @param maxWindow  timestamp: ISO-8601 duration, the longest span one run reads (needs untilParam)
     * @param initial    where the first run starts (timestamp: an ISO-8601 instant; id: a value)
     * @param tokenPath  token: JSON Pointer to the next run's token in the last page
     */
    public record Cursor(String type, String field, String param, String untilParam, String format, String zone,
                         String lookback, String maxWindow, String initial, String tokenPath) {
    }

    /**
     * Outbound credentials, from one Secrets Manager secret holding a JSON object.
     *
     * @param type   none, bearer or api-key
     * @param secret the secret's name or ARN
     * @param field  the JSON field of the secret holding the value
     * @param header the header an api-key goes in (default X-Api-Key)
     */
    public record Auth(String type, String secret, String field, String header) {
    }

    /**
     * @param mode             full (the body is the record) or thin (the body only names it; fetch gets it)
     * @param deliveryIdHeader the header carrying the provider's unique delivery id
     * @param signature        how the body is signed
     */
    public record Webhook(String mode, String deliveryIdHeader, Signature signature) {
        public boolean thin() {
            return "thin".equals(mode);
        }
    }

    /**
     * HMAC-SHA256 over the raw body, hex-encoded in {@code header} after {@code prefix}.
     */
    public record Signature(String header, String prefix, String secret, String field) {
    }

    /**
     * One output field: copied {@code from} a JSON Pointer of the source record, or a constant {@code value}.
     */
    public record FieldRule(String from, @JsonProperty("value") JsonNode value, Boolean required) {
        public boolean isRequired() {
            return Boolean.TRUE.equals(required);
        }
    }

    /**
     * @param method POST or PUT
     * @param url    may hold {@code {recordId}}
     */
    public record Destination(String method, String url, Auth auth, Map<String, String> headers) {
        public Destination {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }

    public record Limits(Integer maxBodyBytes) {
    }
}
