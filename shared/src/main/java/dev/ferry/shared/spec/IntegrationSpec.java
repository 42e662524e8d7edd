package dev.ferry.shared.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
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
        Map<String, Lookup> lookups,
        Destination destination,
        Limits limits,
        java.util.List<Example> examples) {

    public IntegrationSpec {
        mapping = mapping == null ? Map.of() : new LinkedHashMap<>(mapping);
        lookups = lookups == null ? Map.of() : new LinkedHashMap<>(lookups);
        limits = limits == null ? new Limits(null, null, null) : limits;
        examples = examples == null ? java.util.List.of() : java.util.List.copyOf(examples);
    }

    /** A spec without lookups. */
    public IntegrationSpec(String name, String description, String owner, Source source, Webhook webhook, String schedule,
                           Map<String, FieldRule> mapping, Destination destination, Limits limits,
                           java.util.List<Example> examples) {
        this(name, description, owner, source, webhook, schedule, mapping, null, destination, limits, examples);
    }

    /**
     * @param recordId JSON Pointer to the record's id in a source record
     * @param version  optional JSON Pointer to a value that changes with each change of the record
     *                 (e.g. /updated_at); part of the idempotency key
     * @param get      how to fetch one record by id (thin webhooks)
     * @param list     how to poll for records (schedule)
     * @param idempotencyKey optional template of the idempotency key instead of id + version, with {@code {/pointer}}
     *                 parts, e.g. {@code "{/id}@{/updated_at}#{/revision}"}, for records whose change is not one field
     * @param api      the declared API ({@code apis/NAME.yaml}) the source is: its base URL, auth and limits;
     *                 {@code get.url} and {@code list.url} are then paths relative to its base URL
     */
    public record Source(String recordId, String version, Auth auth, Get get, ListRequest list, JsonNode schema,
                         String idempotencyKey, String api) {
        /** {@code {/pointer}} parts of an {@code idempotencyKey} template. */
        public static final java.util.regex.Pattern KEY_PART = java.util.regex.Pattern.compile("\\{(/[^}]*)}");

        public Source(String recordId, String version, Auth auth, Get get, ListRequest list) {
            this(recordId, version, auth, get, list, null, null, null);
        }

        public Source(String recordId, String version, Auth auth, Get get, ListRequest list, JsonNode schema,
                      String idempotencyKey) {
            this(recordId, version, auth, get, list, schema, idempotencyKey, null);
        }
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
    public record Pagination(Options.PageType type, String tokenPath, String tokenParam, String offsetParam, String pageParam,
                             Integer firstPage, String limitParam, Integer limit, String hasMorePath, Integer maxPages) {
    }

    /**
     * What a scheduled run remembers. {@code type}: timestamp, id or token.
     *
     * @param field      timestamp/id: JSON Pointer to the record's change time or increasing id
     * @param param      the query parameter the cursor is sent in (e.g. updated_since)
     * @param untilParam timestamp: the query parameter bounding the window's end (e.g. updated_before)
     * @param format     timestamp: iso (default), unix-seconds, unix-millis (as in mapping conversions; iso-8601, epoch-seconds,
     *                   epoch-millis are accepted too) or a DateTimeFormatter pattern
     * @param zone       timestamp: the source's time zone for patterns and zone-less ISO values (default UTC)
     * @param lookback   timestamp: ISO-8601 duration re-read before the cursor (e.g. PT5M)
     * @param maxWindow  timestamp: ISO-8601 duration, the longest span one run reads (needs untilParam)
     * @param initial    where the first run starts (timestamp: an ISO-8601 instant; id: a value)
     * @param tokenPath  token: JSON Pointer to the next run's token in the last page
     */
    public record Cursor(Options.CursorType type, String field, String param, String untilParam, String format, String zone,
                         String lookback, String maxWindow, String initial, String tokenPath) {
    }

    /**
     * Outbound credentials, from one Secrets Manager secret holding a JSON object. See docs/credentials.md.
     *
     * @param type      none, api-key, bearer, basic, oauth2-client-credentials, oauth2-refresh-token, hmac or aws-sigv4
     * @param secret    the secret's name or ARN (optional only for aws-sigv4, which then uses the function's role)
     * @param field     the JSON field of the secret holding the value (api-key, bearer, hmac)
     * @param header    the header an api-key (default X-Api-Key) or an HMAC signature (default X-Signature) goes in
     * @param query     api-key only: send the key as this query parameter instead of a header
     * @param tokenUrl  oauth2: the token endpoint
     * @param scopes    oauth2: the scopes to ask for (required)
     * @param algorithm hmac: sha256 (default), sha1 or sha512
     * @param encoding  hmac: hex (default) or base64
     * @param prefix    hmac: put before the signature, e.g. "sha256="
     * @param content   hmac: the signed string, from {method} {path} {query} {timestamp} {body} (default "{timestamp}.{body}")
     * @param region    aws-sigv4: the AWS region
     * @param service   aws-sigv4: the signing name, e.g. execute-api
     * @param rotation  how the credential is rotated (e.g. "every 90 days by the vendor console"); static credentials without it warn
     */
    public record Auth(Options.AuthType type, String secret, String field, String header, String query, String tokenUrl,
                       java.util.List<String> scopes, Options.HmacAlgorithm algorithm, Options.HmacEncoding encoding,
                       String prefix, String content,
                       String region, String service, String rotation) {

        public Auth(Options.AuthType type, String secret, String field, String header) {
            this(type, secret, field, header, null, null, null, null, null, null, null, null, null, null);
        }
    }

    /**
     * @param mode             full (the body is the record) or thin (the body only names it; fetch gets it)
     * @param deliveryIdHeader the header carrying the provider's unique delivery id
     * @param signature        how the body is signed
     */
    public record Webhook(Options.WebhookMode mode, String deliveryIdHeader, Signature signature) {
        public boolean thin() {
            return mode == Options.WebhookMode.THIN;
        }
    }

    /**
     * How a webhook is signed; always checked over the raw body bytes. See docs/spec.md.
     *
     * @param scheme           hmac (default), standard-webhooks, github or stripe
     * @param header           hmac: the header holding the signature (the other schemes know theirs)
     * @param prefix           hmac: the signature's prefix, e.g. "sha256="
     * @param secret           the Secrets Manager secret holding the signing key
     * @param field            its JSON field (default key)
     * @param algorithm        hmac: sha256 (default), sha1 or sha512
     * @param encoding         hmac: hex (default) or base64
     * @param content          hmac: the signed content, from {body}, {timestamp} and {header:Name} (default "{body}")
     * @param timestampHeader  hmac: the header with the send time in epoch seconds; checked against the tolerance
     * @param toleranceSeconds how far a timestamp may be from now, either way (default 300)
     */
    public record Signature(Options.SignatureScheme scheme, String header, String prefix, String secret, String field,
                            Options.HmacAlgorithm algorithm, Options.HmacEncoding encoding, String content, String timestampHeader, Integer toleranceSeconds) {

        public Signature(String header, String prefix, String secret, String field) {
            this(null, header, prefix, secret, field, null, null, null, null, null);
        }

        public Options.SignatureScheme schemeOrDefault() {
            return scheme == null ? Options.SignatureScheme.HMAC : scheme;
        }
    }

    /**
     * One output field: taken {@code from} a JSON Pointer of the source record, a constant {@code value},
     * or a {@code template} ("{/first} {/last}"); then shaped and typed. See docs/spec.md.
     *
     * @param pick      for arrays: first or last item
     * @param each      for arrays: a mapping applied to every item
     * @param flatten   for arrays of arrays: one level flattened
     * @param trim      strip surrounding white space
     * @param letters   lower or upper case
     * @param split     split a string into an array at this separator
     * @param map       value translation (enum to enum)
     * @param unknown   a value missing from {@code map}: reject (default), default or keep
     * @param type      string, integer, decimal, boolean, datetime or date
     * @param scale     decimals: digits after the point, with {@code rounding} (default HALF_EVEN)
     * @param format    how the source writes a date: iso (default), unix-seconds, unix-millis, unix-micros,
     *                  or a java.time pattern, read strictly (a day that does not exist fails)
     * @param output    how to write it: iso (default), unix-seconds, unix-millis, unix-micros, or a pattern
     * @param zone      zone the source's local date-times are in, and the output is normalised to (default UTC)
     * @param ifNull    when the value is null: keep (default), omit, default or reject
     * @param ifAbsent  when the path is absent: omit (default), null, default or reject
     * @param ifEmpty   when the value is "" (after trim) or []: keep (default), omit, null, default or reject
     * @param defaultValue the value for the "default" policies
     * @param lookup    the name of a declared lookup: the (shaped) value is replaced by what that API answers for it
     */
    public record FieldRule(String from, @JsonProperty("value") JsonNode value, Boolean required, String template,
                            String lookup, Options.Pick pick, Map<String, FieldRule> each, Boolean flatten, Boolean trim,
                            @JsonProperty("case") Options.LetterCase letters, String split, Map<String, JsonNode> map,
                            Options.UnknownPolicy unknown, Options.ValueType type, Integer scale,
                            java.math.RoundingMode rounding, String format, String output, String zone,
                            @JsonProperty("null") Options.Policy ifNull, @JsonProperty("absent") Options.Policy ifAbsent,
                            @JsonProperty("empty") Options.Policy ifEmpty, @JsonProperty("default") JsonNode defaultValue) {

        public FieldRule(String from, JsonNode value, Boolean required) {
            this(from, value, required, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null);
        }

        public boolean isRequired() {
            return Boolean.TRUE.equals(required);
        }
    }

    /**
     * An example that doubles as a test: this input must map to {@code output}, or fail with an error
     * containing {@code error}.
     *
     * @param lookups canned answers per lookup name and value; a value without one is "not found"
     */
    public record Example(String name, JsonNode input, Map<String, Map<String, JsonNode>> lookups, JsonNode output,
                          String error) {
        public Example {
            lookups = lookups == null ? Map.of() : lookups;
        }
    }

    /**
     * A value from another API while mapping: one GET per distinct value, cached per function instance.
     * See docs/spec.md.
     *
     * @param url        GET; {@code {value}} is replaced by the URL-encoded value
     * @param auth       credentials, as for source and destination
     * @param path       JSON Pointer to the answer in the response body; absent (or null) and 404 mean "not found"
     * @param ttlSeconds how long an answer is cached (default 300); "not found" at most {@link #NOT_FOUND_TTL_SECONDS}
     * @param maxEntries cached values per lookup and function instance (default 10000)
     * @param missing    a value the API does not know: reject (default; the record fails, permanently) or null
     * @param limits     resilience and rate limits for this API, as limits.source/destination
     * @param api        the declared API asked ({@code apis/NAME.yaml}); {@code url} is then a path relative to its base URL
     */
    public record Lookup(String url, Auth auth, String path, Integer ttlSeconds, Integer maxEntries,
                         @JsonSetter(nulls = Nulls.SET) Options.MissingPolicy missing, ApiLimits limits, String api) {
        // YAML reads `missing: null` as a null, not as the word; SpecLoader tells it from an absent key
        // (Nulls.SET marks the explicit null as a value for the generated JSON Schema too).

        /** The same lookup with another {@code missing} policy. */
        public Lookup withMissing(Options.MissingPolicy policy) {
            return new Lookup(url, auth, path, ttlSeconds, maxEntries, policy, limits, api);
        }

        public Lookup(String url, Auth auth, String path, Integer ttlSeconds, Integer maxEntries, Options.MissingPolicy missing,
                      ApiLimits limits) {
            this(url, auth, path, ttlSeconds, maxEntries, missing, limits, null);
        }

        public static final int DEFAULT_TTL_SECONDS = 300;
        public static final int NOT_FOUND_TTL_SECONDS = 60;
        public static final int DEFAULT_MAX_ENTRIES = 10_000;

        public java.time.Duration ttl() {
            return java.time.Duration.ofSeconds(ttlSeconds == null ? DEFAULT_TTL_SECONDS : ttlSeconds);
        }

        /** Not-found answers are kept shorter: a value may be created at the other side any moment. */
        public java.time.Duration notFoundTtl() {
            return java.time.Duration.ofSeconds(Math.min(ttl().toSeconds(), NOT_FOUND_TTL_SECONDS));
        }

        public int maxEntriesOrDefault() {
            return maxEntries == null ? DEFAULT_MAX_ENTRIES : maxEntries;
        }

        public boolean rejectsMissing() {
            return missing == null || missing == Options.MissingPolicy.REJECT;
        }
    }

    /**
     * @param method POST or PUT
     * @param url    may hold {@code {recordId}}
     * @param nulls  destination-wide null policy for fields that declare none: keep (default) or omit
     * @param schema JSON Schema every mapped record must satisfy before it is sent
     * @param batch  optional: send records to a bulk endpoint, many per request, instead of one call each
     * @param api    the declared API the records go to ({@code apis/NAME.yaml}); {@code url} and {@code batch.url} are
     *               then paths relative to its base URL
     */
    public record Destination(Options.HttpMethod method, String url, Auth auth, Map<String, String> headers,
                              Options.DestinationNulls nulls,
                              JsonNode schema, Batch batch, String api) {
        public Destination {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public Destination(Options.HttpMethod method, String url, Auth auth, Map<String, String> headers,
                           Options.DestinationNulls nulls, JsonNode schema) {
            this(method, url, auth, headers, nulls, schema, null, null);
        }

        public Destination(Options.HttpMethod method, String url, Auth auth, Map<String, String> headers,
                           Options.DestinationNulls nulls, JsonNode schema, Batch batch) {
            this(method, url, auth, headers, nulls, schema, batch, null);
        }
    }

    /**
     * A bulk endpoint: the mapped records go out {@code size} at a time as one JSON array. See docs/spec.md.
     *
     * @param size       most records per request (1..1000)
     * @param method     POST (default) or PUT
     * @param url        the bulk endpoint (no {@code {recordId}})
     * @param wrap       JSON Pointer where the array goes in the body (e.g. /inputs); absent: the body is the array
     * @param results    JSON Pointer to the answer's array of per-item results, in request order; absent: a 2xx
     *                   answer delivers every record of the request
     * @param itemStatus JSON Pointer, within a result, to an HTTP-like status (2xx ok, 429 throttled, 5xx and 408
     *                   retryable, anything else permanent)
     * @param itemOk     JSON Pointer, within a result, to a boolean (false: permanent failure); instead of itemStatus
     * @param itemError  JSON Pointer, within a result, to the reason of a failed item (with neither itemStatus nor
     *                   itemOk: a non-empty value there fails the item)
     */
    public record Batch(Integer size, Options.HttpMethod method, String url, String wrap, String results, String itemStatus,
                        String itemOk, String itemError) {

        public Options.HttpMethod methodOrDefault() {
            return method == null ? Options.HttpMethod.POST : method;
        }
    }

    /**
     * @param maxBodyBytes webhook body limit
     * @param source       how Ferry treats the source API
     * @param destination  how Ferry treats the destination API
     */
    public record Limits(Integer maxBodyBytes, ApiLimits source, ApiLimits destination) {
    }

    /**
     * Resilience and rate limits for one API, applied by every function instance together.
     *
     * @param api               the budget's name; integrations that call the same API share a budget by
     *                          naming the same {@code api} (default: integration name + ":source"/":destination")
     * @param requestsPerSecond sustained rate across all instances
     * @param burst             extra requests allowed at once above the rate (default 1)
     * @param timeoutMs         per-request timeout (default the ferry.http.timeout-ms setting)
     * @param retries           quick retries inside one invocation, with exponential backoff and jitter,
     *                          bounded by the Lambda's remaining time (default 0: retries go back to SQS)
     * @param retryDelayMs      first quick-retry delay (default 200)
     * @param concurrency       at most this many calls at once per function instance
     * @param circuitBreaker    when to stop calling an API that keeps failing
     */
    public record ApiLimits(String api, Double requestsPerSecond, Integer burst, Integer timeoutMs, Integer retries,
                            Integer retryDelayMs, Integer concurrency, CircuitBreaker circuitBreaker,
                            @com.fasterxml.jackson.annotation.JsonIgnore ApiLimits within) {

        public ApiLimits(String api, Double requestsPerSecond, Integer burst, Integer timeoutMs, Integer retries,
                         Integer retryDelayMs, Integer concurrency, CircuitBreaker circuitBreaker) {
            this(api, requestsPerSecond, burst, timeoutMs, retries, retryDelayMs, concurrency, circuitBreaker, null);
        }

        /**
         * The declared API's own limits this integration's share sits inside (set when a spec refers to an API in
         * {@code apis/}, never written in YAML): its budget, circuit, timeout and concurrency are the API's,
         * shared by every integration that calls it; this record's rate, if any, is one integration's part of it.
         */
        public ApiLimits within() {
            return within;
        }
    }

    /**
     * @param failureRatio     open when this share of the last {@code requestVolume} calls failed (default 0.5)
     * @param requestVolume    the rolling window of calls (default 10)
     * @param delayMs          how long it stays open before a trial call (default 30000)
     * @param successThreshold trial calls that must succeed to close it (default 2)
     */
    public record CircuitBreaker(Double failureRatio, Integer requestVolume, Integer delayMs, Integer successThreshold) {
    }
}
