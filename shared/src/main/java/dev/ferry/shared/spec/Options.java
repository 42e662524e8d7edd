package dev.ferry.shared.spec;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The spec's fixed-value options. Each constant is read and written with its YAML spelling ({@code toString}), so
 * the loader rejects anything else (with the accepted values) and the generated JSON Schema lists them for editors.
 */
public final class Options {

    private Options() {
    }

    /** The YAML spellings an enum accepts, in declaration order (its {@code @JsonValue}, else its name). */
    public static List<String> spellings(Class<?> type) {
        boolean spelled = Arrays.stream(type.getMethods()).anyMatch(m -> m.isAnnotationPresent(JsonValue.class)
                && m.getParameterCount() == 0 && m.getDeclaringClass() == type);
        return Arrays.stream(type.getEnumConstants()).map(c -> spelled ? c.toString() : ((Enum<?>) c).name()).toList();
    }

    static String kebab(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** webhook.mode: the body is the record, or only names it (fetch gets it). */
    public enum WebhookMode {
        FULL, THIN;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** webhook.signature.scheme. */
    public enum SignatureScheme {
        HMAC, STANDARD_WEBHOOKS, GITHUB, STRIPE;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** auth.type. */
    public enum AuthType {
        NONE, API_KEY, BEARER, BASIC, OAUTH2_CLIENT_CREDENTIALS, OAUTH2_REFRESH_TOKEN, HMAC, AWS_SIGV4;

        /** A long-lived credential held in the secret (rotation metadata expected). */
        public boolean isStatic() {
            return this == API_KEY || this == BEARER || this == BASIC || this == HMAC;
        }

        public boolean isOAuth2() {
            return this == OAUTH2_CLIENT_CREDENTIALS || this == OAUTH2_REFRESH_TOKEN;
        }

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** HMAC algorithm (signature and auth); sha256 when absent. */
    public enum HmacAlgorithm {
        SHA1("HmacSHA1"), SHA256("HmacSHA256"), SHA512("HmacSHA512");

        private final String jcaName;

        HmacAlgorithm(String jcaName) {
            this.jcaName = jcaName;
        }

        public String jcaName() {
            return jcaName;
        }

        public static HmacAlgorithm orDefault(HmacAlgorithm algorithm) {
            return algorithm == null ? SHA256 : algorithm;
        }

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** HMAC signature encoding; hex when absent. */
    public enum HmacEncoding {
        HEX, BASE64;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** mapping: pick, for arrays. */
    public enum Pick {
        FIRST, LAST;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** mapping: case. */
    public enum LetterCase {
        LOWER, UPPER;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** mapping: unknown, a value missing from map; reject when absent. */
    public enum UnknownPolicy {
        REJECT, DEFAULT, KEEP;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** mapping: type. */
    public enum ValueType {
        STRING, INTEGER, DECIMAL, BOOLEAN, DATETIME, DATE;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** mapping: null, absent and empty. */
    public enum Policy {
        KEEP, OMIT, NULL, DEFAULT, REJECT;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** source.list.pagination.type. */
    public enum PageType {
        NONE, NEXT_TOKEN, OFFSET, PAGE, LINK_HEADER;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** source.list.cursor.type. */
    public enum CursorType {
        TIMESTAMP, ID, TOKEN;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** destination.method and destination.batch.method. */
    public enum HttpMethod {
        POST, PUT;

        @JsonValue
        @Override
        public String toString() {
            return name();
        }
    }

    /** destination.nulls: for fields that declare no null policy; keep when absent. */
    public enum DestinationNulls {
        KEEP, OMIT;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** lookups.X.missing: a value the API does not know; reject when absent. */
    public enum MissingPolicy {
        REJECT, NULL;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }

    /** an API's rateLimitHeaders; auto when absent. */
    public enum RateLimitHeaders {
        AUTO, NONE;

        @JsonValue
        @Override
        public String toString() {
            return kebab(this);
        }
    }
}
