package dev.ferry.shared.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads one spec from YAML and checks it. Endpoints may come from configuration with
 * {@code ${setting}} or {@code ${setting:default}}, so the same spec runs on AWS and locally.
 */
public final class SpecLoader {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::([^}]*))?}");
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Set<String> AUTH_TYPES = Set.of("none", "bearer", "api-key");

    private static final ObjectMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Function<String, Optional<String>> settings;
    private final boolean localMode;

    public SpecLoader(Function<String, Optional<String>> settings, boolean localMode) {
        this.settings = settings;
        this.localMode = localMode;
    }

    public IntegrationSpec load(String file, String yaml) {
        List<String> problems = new ArrayList<>();
        String resolved = resolvePlaceholders(file, yaml, problems);
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        IntegrationSpec spec;
        try {
            var tree = YAML.readTree(resolved);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new SpecException(List.of(file + ": the file is empty"));
            }
            spec = YAML.readValue(resolved, IntegrationSpec.class);
        } catch (JsonMappingException e) {
            throw new SpecException(List.of(describe(file, resolved, e)));
        } catch (IOException e) {
            throw new SpecException(List.of(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse("")));
        }
        if (spec == null) {
            throw new SpecException(List.of(file + ": the file is empty"));
        }
        check(file, spec, problems);
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        return spec;
    }

    private String resolvePlaceholders(String file, String yaml, List<String> problems) {
        StringBuilder out = new StringBuilder();
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].stripLeading().startsWith("#")) { // a comment may mention ${...} freely
                out.append(lines[i]).append(i < lines.length - 1 ? "\n" : "");
                continue;
            }
            Matcher m = PLACEHOLDER.matcher(lines[i]);
            StringBuilder line = new StringBuilder();
            while (m.find()) {
                String key = m.group(1);
                Optional<String> value = settings.apply(key).or(() -> Optional.ofNullable(m.group(2)));
                if (value.isEmpty()) {
                    problems.add(file + ":" + (i + 1) + ": setting '" + key + "' is not configured and has no default"
                            + " (set it, or write ${" + key + ":default})");
                }
                m.appendReplacement(line, Matcher.quoteReplacement(value.orElse("")));
            }
            m.appendTail(line);
            out.append(line);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static String describe(String file, String yaml, JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        JsonLocation loc = e.getLocation();
        int line = loc != null ? loc.getLineNr() : -1;
        if (e instanceof UnrecognizedPropertyException) {
            // Jackson reports an unknown key of a record where its mapping ends; find the key itself.
            line = lineOfKey(yaml, e.getPath()).orElse(line);
        }
        String where = file + (line > 0 ? ":" + line : "") + ": "
                + (path.isEmpty() ? "" : path + ": ");
        if (e instanceof UnrecognizedPropertyException u) {
            return where + "unknown key '" + u.getPropertyName() + "' (known keys: "
                    + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
        }
        String message = e.getOriginalMessage();
        return where + (message == null ? "wrong type" : message.lines().findFirst().orElse("wrong type"));
    }

    private static Optional<Integer> lineOfKey(String yaml, List<JsonMappingException.Reference> path) {
        StringBuilder pointer = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            pointer.append('/').append(ref.getFieldName() != null
                    ? ref.getFieldName().replace("~", "~0").replace("/", "~1") : Integer.toString(ref.getIndex()));
        }
        String wanted = pointer.toString();
        try (JsonParser parser = YAML.getFactory().createParser(yaml)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME && parser.getParsingContext().pathAsPointer().toString().equals(wanted)) {
                    return Optional.of(parser.currentTokenLocation().getLineNr());
                }
            }
        } catch (IOException ignored) {
            // fall back to Jackson's location
        }
        return Optional.empty();
    }

    private void check(String file, IntegrationSpec spec, List<String> problems) {
        Problems p = new Problems(file, problems);
        if (spec.name() == null) {
            p.add("name", "is required");
        } else if (!NAME.matcher(spec.name()).matches()) {
            p.add("name", "'" + spec.name() + "' must be lower-case letters, digits and '-', starting with a letter");
        }
        if (spec.destination() == null) {
            p.add("destination", "is required");
        } else {
            var d = spec.destination();
            String method = d.method() == null ? "" : d.method().toUpperCase(Locale.ROOT);
            if (!method.equals("POST") && !method.equals("PUT")) {
                p.add("destination.method", "must be POST or PUT, got '" + d.method() + "'");
            }
            checkUrl(p, "destination.url", d.url());
            checkAuth(p, "destination.auth", d.auth());
        }
        if (spec.webhook() == null && spec.schedule() == null) {
            p.add("", "declares neither a webhook nor a schedule, so nothing would ever start it");
        }
        var source = spec.source();
        if (spec.webhook() != null) {
            var w = spec.webhook();
            if (w.mode() != null && !Set.of("full", "thin").contains(w.mode())) {
                p.add("webhook.mode", "must be full or thin, got '" + w.mode() + "'");
            }
            if (w.deliveryIdHeader() == null) {
                p.add("webhook.deliveryIdHeader", "is required (the provider's unique delivery id, used to drop redeliveries)");
            }
            if (w.signature() == null) {
                p.add("webhook.signature", "is required: Ferry accepts no unsigned webhooks");
            } else {
                if (w.signature().header() == null) {
                    p.add("webhook.signature.header", "is required");
                }
                if (w.signature().secret() == null) {
                    p.add("webhook.signature.secret", "is required (the Secrets Manager secret holding the signing key)");
                }
            }
            if (w.thin() && (source == null || source.get() == null)) {
                p.add("source.get", "is required for a thin webhook: fetch needs to know how to get the record");
            }
        }
        if (spec.schedule() != null && (source == null || source.list() == null)) {
            p.add("source.list", "is required when a schedule is declared");
        }
        if (source == null) {
            p.add("source", "is required (at least source.recordId)");
        } else {
            if (source.recordId() == null) {
                p.add("source.recordId", "is required (a JSON Pointer such as /id)");
            } else {
                checkPointer(p, "source.recordId", source.recordId());
            }
            if (source.version() != null) {
                checkPointer(p, "source.version", source.version());
            }
            checkAuth(p, "source.auth", source.auth());
            if (source.get() != null) {
                checkUrl(p, "source.get.url", source.get().url());
            }
            if (source.list() != null) {
                checkUrl(p, "source.list.url", source.list().url());
                dev.ferry.shared.poll.ListPlan.problems(source.list()).forEach(problem -> p.add(problem[0], problem[1]));
            }
        }
        if (spec.mapping().isEmpty()) {
            p.add("mapping", "is required: at least one output field");
        }
        for (Map.Entry<String, IntegrationSpec.FieldRule> e : spec.mapping().entrySet()) {
            var rule = e.getValue();
            String at = "mapping." + e.getKey();
            if (rule == null || (rule.from() == null) == (rule.value() == null)) {
                p.add(at, "needs exactly one of 'from' (a JSON Pointer into the source record) or 'value' (a constant)");
            } else if (rule.from() != null) {
                checkPointer(p, at + ".from", rule.from());
            }
        }
        if (spec.limits().maxBodyBytes() != null && spec.limits().maxBodyBytes() <= 0) {
            p.add("limits.maxBodyBytes", "must be positive");
        }
    }

    private void checkAuth(Problems p, String at, IntegrationSpec.Auth auth) {
        if (auth == null) {
            return;
        }
        String type = auth.type() == null ? "" : auth.type();
        if (!AUTH_TYPES.contains(type)) {
            p.add(at + ".type", "must be one of " + AUTH_TYPES.stream().sorted().toList() + ", got '" + auth.type() + "'");
        }
        if (!type.equals("none") && auth.secret() == null) {
            p.add(at + ".secret", "is required: name the Secrets Manager secret that holds the credential");
        }
    }

    private void checkUrl(Problems p, String at, String url) {
        if (url == null) {
            p.add(at, "is required");
        } else if (url.startsWith("http://") && !localMode) {
            p.add(at, "plain http:// is only allowed in local mode; use https://");
        } else if (!url.startsWith("https://") && !url.startsWith("http://")) {
            p.add(at, "must be an http(s) URL, got '" + url + "'");
        }
    }

    private static void checkPointer(Problems p, String at, String pointer) {
        if (!pointer.isEmpty() && !pointer.startsWith("/")) {
            p.add(at, "must be a JSON Pointer starting with '/', got '" + pointer + "'");
        }
    }

    private record Problems(String file, List<String> list) {
        void add(String path, String problem) {
            list.add(file + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
        }
    }
}
