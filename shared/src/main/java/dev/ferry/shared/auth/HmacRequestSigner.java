package dev.ferry.shared.auth;

import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationSpec;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs each request with an HMAC of a canonical string built from {@code content} (default
 * {@code {timestamp}.{body}}; parts {method}, {path}, {query}, {timestamp}, {body}) under the key in the
 * secret, into {@code header} (default X-Signature) after {@code prefix}. The timestamp (epoch seconds)
 * is sent in {@code X-Timestamp} so the receiver can check freshness.
 */
final class HmacRequestSigner implements AuthStrategy {

    static final String DEFAULT_CONTENT = "{timestamp}.{body}";
    static final String TIMESTAMP_HEADER = "X-Timestamp";
    private static final Pattern PART = Pattern.compile("\\{(method|path|query|timestamp|body)}");

    private final SecretsProvider secrets;
    private final IntegrationSpec.Auth auth;
    private final Clock clock;

    HmacRequestSigner(SecretsProvider secrets, IntegrationSpec.Auth auth, Clock clock) {
        this.secrets = secrets;
        this.auth = auth;
        this.clock = clock;
    }

    @Override
    public void apply(OutboundRequest request) {
        String key = secrets.field(auth.secret(), auth.field() == null ? "key" : auth.field());
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        byte[] digest = Hmac.mac(auth.algorithm(), key.getBytes(StandardCharsets.UTF_8), canonical(request, timestamp));
        request.headers().put(TIMESTAMP_HEADER, timestamp);
        request.headers().put(auth.header() == null ? "X-Signature" : auth.header(),
                (auth.prefix() == null ? "" : auth.prefix()) + Hmac.encode(auth.encoding(), digest));
    }

    private byte[][] canonical(OutboundRequest request, String timestamp) {
        String template = auth.content() == null ? DEFAULT_CONTENT : auth.content();
        URI uri = URI.create(request.url());
        List<byte[]> parts = new ArrayList<>();
        Matcher m = PART.matcher(template);
        int at = 0;
        while (m.find()) {
            parts.add(template.substring(at, m.start()).getBytes(StandardCharsets.UTF_8));
            parts.add(switch (m.group(1)) {
                case "method" -> request.method().getBytes(StandardCharsets.UTF_8);
                case "path" -> (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()).getBytes(StandardCharsets.UTF_8);
                case "query" -> (uri.getRawQuery() == null ? "" : uri.getRawQuery()).getBytes(StandardCharsets.UTF_8);
                case "timestamp" -> timestamp.getBytes(StandardCharsets.UTF_8);
                default -> request.body();
            });
            at = m.end();
        }
        parts.add(template.substring(at).getBytes(StandardCharsets.UTF_8));
        return parts.toArray(byte[][]::new);
    }

    @Override
    public void rejected() {
        secrets.invalidate(auth.secret());
    }
}
