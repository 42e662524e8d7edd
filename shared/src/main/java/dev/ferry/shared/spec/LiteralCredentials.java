package dev.ferry.shared.spec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds credentials written into a spec. Specs live in git, so a literal key there is a leak: the spec
 * must name a Secrets Manager secret instead. Two checks: keys whose name says they hold a credential
 * (token, password, apiKey, Authorization header...) with a literal value, and values in the shapes of
 * well-known keys anywhere (Stripe, GitHub, Slack, AWS, Google keys, JWTs, PEM private keys, URLs with a
 * password or a key in the query). Reports name the place and the kind, never the value.
 */
final class LiteralCredentials {

    /** Keys that name a secret rather than hold one, or hold a URL or header name. */
    private static final Set<String> NAMES_NOT_VALUES = Set.of("secret", "tokenurl", "field", "header", "query");
    private static final List<String> CREDENTIAL_KEY_PARTS = List.of("password", "passwd", "secret", "token", "apikey",
            "privatekey", "accesskey", "credential", "authorization", "cookie", "signingkey");

    private static final Map<Pattern, String> SHAPES = Map.ofEntries(
            Map.entry(Pattern.compile("\\b[sr]k_(live|test)_[0-9A-Za-z]{8,}"), "a Stripe API key"),
            Map.entry(Pattern.compile("\\bwhsec_[0-9A-Za-z+/=]{8,}"), "a webhook signing secret"),
            Map.entry(Pattern.compile("\\b(ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{20,}|\\bgithub_pat_[0-9A-Za-z_]{20,}"), "a GitHub token"),
            Map.entry(Pattern.compile("\\bxox[abprs]-[0-9A-Za-z-]{10,}"), "a Slack token"),
            Map.entry(Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b"), "an AWS access key id"),
            Map.entry(Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}"), "a Google API key"),
            Map.entry(Pattern.compile("\\beyJ[0-9A-Za-z_-]{5,}\\.eyJ[0-9A-Za-z_-]{5,}\\.[0-9A-Za-z_-]*"), "a JWT"),
            Map.entry(Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
            Map.entry(Pattern.compile("^[a-z][a-z0-9+.-]*://[^/@\\s:]+:[^/@\\s]+@"), "a URL with a password"),
            Map.entry(Pattern.compile("[?&](api[_-]?key|apikey|key|token|access_token|client_secret|password|sig|signature)=[^&\\s]+",
                    Pattern.CASE_INSENSITIVE), "a URL with a credential in its query"));

    private static final List<String> NAME_SUFFIXES = List.of("path", "param", "parameter", "header", "url", "field",
            "name", "pointer", "location", "endpoint");
    private static final Pattern PLAIN_WORD = Pattern.compile("[a-z][a-z_.-]{0,24}");

    private LiteralCredentials() {
    }

    static void find(String file, String yaml, JsonFactory factory, List<String> problems) {
        try (JsonParser parser = factory.createParser(yaml)) {
            String field = null;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME) {
                    field = parser.currentName();
                    continue;
                }
                if (!token.isScalarValue() || token == JsonToken.VALUE_NULL) {
                    continue;
                }
                String value = parser.getText();
                String kind = kind(field, value);
                if (kind != null) {
                    String path = parser.getParsingContext().pathAsPointer().toString().substring(1).replace('/', '.');
                    problems.add(file + ":" + parser.currentTokenLocation().getLineNr() + ": " + path + ": holds what looks like "
                            + kind + ". Specs are kept in git: put the value in a Secrets Manager secret (a JSON object)"
                            + " and refer to it by name, e.g. auth: { type: bearer, secret: ferry/<integration>/api }"
                            + " (see docs/credentials.md)");
                }
            }
        } catch (IOException e) {
            // not YAML: the loader reports that next
        }
    }

    private static String kind(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        for (Map.Entry<Pattern, String> shape : SHAPES.entrySet()) {
            if (shape.getKey().matcher(value).find()) {
                return shape.getValue();
            }
        }
        if (field == null) {
            return null;
        }
        String key = field.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        if (NAMES_NOT_VALUES.contains(key) || value.startsWith("${")) {
            return null;
        }
        // Keys that say where a credential-like thing is (tokenPath, tokenParam, tokenHeader...) hold names,
        // and so do values that are JSON Pointers or plain lower-case words such as page_token.
        for (String suffix : NAME_SUFFIXES) {
            if (key.endsWith(suffix)) {
                return null;
            }
        }
        if (value.startsWith("/") || PLAIN_WORD.matcher(value).matches()) {
            return null;
        }
        for (String part : CREDENTIAL_KEY_PARTS) {
            if (key.contains(part)) {
                return "a literal credential (key '" + field + "')";
            }
        }
        return null;
    }
}
