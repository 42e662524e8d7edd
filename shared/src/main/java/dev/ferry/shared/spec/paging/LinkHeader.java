package dev.ferry.shared.spec.paging;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the {@code rel="next"} target in RFC 8288 {@code Link} headers. */
final class LinkHeader {

    /** One link-value: {@code <target>} followed by its parameters, up to the next link-value. */
    private static final Pattern LINK = Pattern.compile("<([^>]*)>((?:\\s*;\\s*[^;,=\\s]+\\s*(?:=\\s*(?:\"[^\"]*\"|[^;,\\s]*))?)*)");
    private static final Pattern REL = Pattern.compile(";\\s*rel\\s*=\\s*(?:\"([^\"]*)\"|([^;,\\s]*))", Pattern.CASE_INSENSITIVE);

    private LinkHeader() {
    }

    /** The target of the first link whose rel (a space-separated list) holds {@code next}, or null. */
    static String next(List<String> headers) {
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            Matcher link = LINK.matcher(header);
            while (link.find()) {
                Matcher rel = REL.matcher(link.group(2));
                while (rel.find()) {
                    String rels = rel.group(1) != null ? rel.group(1) : rel.group(2);
                    for (String r : rels.trim().split("\\s+")) {
                        if (r.toLowerCase(Locale.ROOT).equals("next")) {
                            return link.group(1).trim();
                        }
                    }
                }
            }
        }
        return null;
    }
}
