package dev.ferry.shared.auth;

import java.util.Map;

/**
 * One outgoing call while credentials are added to it. Strategies may change the URL (a query api-key)
 * and the headers; the method and body are what will be sent, so signatures can cover them.
 * Deliberately has no {@code toString}: its headers may hold credentials.
 */
public final class OutboundRequest {

    private final String method;
    private String url;
    private final Map<String, String> headers;
    private final byte[] body;

    public OutboundRequest(String method, String url, Map<String, String> headers, byte[] body) {
        this.method = method;
        this.url = url;
        this.headers = headers;
        this.body = body;
    }

    public String method() {
        return method;
    }

    public String url() {
        return url;
    }

    public void url(String url) {
        this.url = url;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body, or an empty array when there is none. */
    public byte[] body() {
        return body == null ? new byte[0] : body;
    }

    @Override
    public String toString() {
        return method + " " + dev.ferry.shared.http.HttpCaller.redactQuery(url) + " (headers not shown)";
    }
}
