package dev.ferry.shared.spec.paging;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and sets one query parameter of a URL, keeping the others (and their encoding) as they are. */
final class UrlQuery {

    private UrlQuery() {
    }

    static String set(String url, String name, String value) {
        int hash = url.indexOf('#');
        String fragment = hash < 0 ? "" : url.substring(hash);
        String base = hash < 0 ? url : url.substring(0, hash);
        int q = base.indexOf('?');
        String path = q < 0 ? base : base.substring(0, q);
        List<String> pairs = new ArrayList<>();
        if (q >= 0 && q < base.length() - 1) {
            for (String pair : base.substring(q + 1).split("&")) {
                if (!pair.isEmpty() && !decodedName(pair).equals(name)) {
                    pairs.add(pair);
                }
            }
        }
        pairs.add(encode(name) + "=" + encode(value));
        return path + "?" + String.join("&", pairs) + fragment;
    }

    static Optional<String> get(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) {
            return Optional.empty();
        }
        int hash = url.indexOf('#', q);
        String query = hash < 0 ? url.substring(q + 1) : url.substring(q + 1, hash);
        for (String pair : query.split("&")) {
            if (!pair.isEmpty() && decodedName(pair).equals(name)) {
                int eq = pair.indexOf('=');
                return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    private static String decodedName(String pair) {
        int eq = pair.indexOf('=');
        return URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
