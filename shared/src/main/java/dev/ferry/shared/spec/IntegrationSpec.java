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

    public record ListRequest(String url, String recordsPath) {
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
    public record Auth(String type, String secret, String field, String header, String query, String tokenUrl,
                       java.util.List<String> scopes, String algorithm, String encoding, String prefix, String content,
                       String region, String service, String rotation) {

        public Auth(String type, String secret, String field, String header) {
            this(type, secret, field, header, null, null, null, null, null, null, null, null, null, null);
        }
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
    public record Signature(String scheme, String header, String prefix, String secret, String field, String algorithm,
                            String encoding, String content, String timestampHeader, Integer toleranceSeconds) {

        public Signature(String header, String prefix, String secret, String field) {
            this(null, header, prefix, secret, field, null, null, null, null, null);
        }

        public String schemeOrDefault() {
            return scheme == null ? "hmac" : scheme;
        }
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
