package dev.ferry.shared.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import dev.ferry.shared.spec.Options.AuthType;
import dev.ferry.shared.spec.Options.Policy;
import dev.ferry.shared.spec.Options.ValueType;
import dev.ferry.shared.spec.Options.SignatureScheme;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads one spec from YAML and checks it. Endpoints may come from configuration with
 * {@code ${setting}} or {@code ${setting:default}}, so the same spec runs on AWS and locally.
 */
public final class SpecLoader {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    // Constants, defaults, examples and schemas hold numbers as written (12.50 stays 12.50, never a double), as Json does.
    private static final ObjectMapper YAML = YAMLMapper.builder(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS) // as before the options were enums: POST or post, sha256 or SHA256
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
            .build();

    private static final Logger LOG = Logger.getLogger(SpecLoader.class);

    private final Function<String, Optional<String>> settings;
    private final Placeholders placeholders;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final boolean localMode;
    private final ApiRegistry apis;

    public SpecLoader(Function<String, Optional<String>> settings, boolean localMode) {
        this(settings, localMode, ApiRegistry.EMPTY);
    }

    /** A loader whose integrations may refer to the declared {@code apis}. */
    public SpecLoader(Function<String, Optional<String>> settings, boolean localMode, ApiRegistry apis) {
        this.placeholders = new Placeholders(settings);
        this.settings = settings;
        this.localMode = localMode;
        this.apis = apis;
    }

    /** The same settings, resolving integrations' references against {@code apis}. */
    public SpecLoader withApis(ApiRegistry apis) {
        return new SpecLoader(settings, localMode, apis);
    }

    /** Reads one API declaration ({@code apis/NAME.yaml}) and checks it; see {@link ApiSpec}. */
    public ApiSpec loadApi(String file, String yaml) {
        List<String> problems = new ArrayList<>();
        String resolved = placeholders.resolve(file, yaml, problems);
        if (problems.isEmpty()) {
            LiteralCredentials.find(file, resolved, YAML.getFactory(), problems);
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        ApiSpec api;
        try {
            api = YAML.readValue(resolved, ApiSpec.class);
        } catch (JsonMappingException e) {
            throw new SpecException(List.of(YamlLines.describe(file, resolved, e)));
        } catch (IOException e) {
            throw new SpecException(List.of(YamlLines.syntaxError(file, e)));
        }
        if (api == null) {
            throw new SpecException(List.of(file + ": the file is empty"));
        }
        Problems p = new Problems(file, resolved, problems);
        int warned = warnings.size();
        if (api.name() == null) {
            p.add("name", "is required");
        } else if (!NAME.matcher(api.name()).matches()) {
            p.add("name", "'" + api.name() + "' must be lower-case letters, digits and '-', starting with a letter");
        }
        checkUrl(p, "baseUrl", api.baseUrl());
        if (api.baseUrl() != null && (api.baseUrl().contains("?") || api.baseUrl().contains("{"))) {
            p.addAt("baseUrl", "must be the API's root, without a query or {placeholders}");
        }
        checkAuth(p, "auth", api.auth());
        ApiReferences.checkApiLimits(p, api);
        if (api.pagination() != null) {
            var probe = new IntegrationSpec.ListRequest("https://probe.invalid/", "/", api.pagination(), null);
            dev.ferry.shared.spec.paging.ListPlan.problems(probe).forEach(problem -> p.addAt(problem[0].replace("source.list.", ""), problem[1]));
        }
        if (api.health() != null && !api.health().startsWith("/")) {
            p.addAt("health", "must be a path relative to baseUrl, starting with '/'");
        }
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        for (String warning : warnings.subList(warned, warnings.size())) {
            LOG.warn(warning);
        }
        return api;
    }

    /** What the specs loaded so far do that works but should be fixed (e.g. static credentials without rotation). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public IntegrationSpec load(String file, String yaml) {
        List<String> problems = new ArrayList<>();
        String resolved = placeholders.resolve(file, yaml, problems);
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        LiteralCredentials.find(file, resolved, YAML.getFactory(), problems);
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        IntegrationSpec spec;
        try {
            var tree = YAML.readTree(resolved);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new SpecException(List.of(file + ": the file is empty"));
            }
            spec = explicitNulls(YAML.readValue(resolved, IntegrationSpec.class), tree);
        } catch (JsonMappingException e) {
            throw new SpecException(List.of(YamlLines.describe(file, resolved, e)));
        } catch (IOException e) {
            throw new SpecException(List.of(YamlLines.syntaxError(file, e)));
        }
        if (spec == null) {
            throw new SpecException(List.of(file + ": the file is empty"));
        }
        int warned = warnings.size();
        spec = new ApiReferences(apis).resolve(spec, new Problems(file, resolved, problems));
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        check(file, resolved, spec, problems);
        if (!problems.isEmpty()) {
            throw new SpecException(problems);
        }
        for (String warning : warnings.subList(warned, warnings.size())) {
            LOG.warn(warning);
        }
        return spec;
    }

    /** The line of the key at {@code pointer} in a spec file, or of its nearest parent key that is there. */
    public static Optional<Integer> lineOf(String yaml, String pointer) {
        return YamlLines.lineOf(yaml, pointer);
    }

    /** {@code missing: null} (unquoted) is the policy "null", not an absent key. */
    private static IntegrationSpec explicitNulls(IntegrationSpec spec, com.fasterxml.jackson.databind.JsonNode tree) {
        if (spec == null || spec.lookups().isEmpty()) {
            return spec;
        }
        Map<String, IntegrationSpec.Lookup> lookups = new java.util.LinkedHashMap<>();
        boolean changed = false;
        for (Map.Entry<String, IntegrationSpec.Lookup> e : spec.lookups().entrySet()) {
            var declared = tree.path("lookups").path(e.getKey());
            IntegrationSpec.Lookup lookup = e.getValue();
            if (lookup != null && lookup.missing() == null && declared.has("missing") && declared.get("missing").isNull()) {
                lookup = lookup.withMissing(Options.MissingPolicy.NULL);
                changed = true;
            }
            lookups.put(e.getKey(), lookup);
        }
        return !changed ? spec : new IntegrationSpec(spec.name(), spec.description(), spec.owner(), spec.source(),
                spec.webhook(), spec.schedule(), spec.mapping(), lookups, spec.destination(), spec.limits(), spec.examples());
    }

    private void check(String file, String yaml, IntegrationSpec spec, List<String> problems) {
        Problems p = new Problems(file, yaml, problems);
        if (spec.name() == null) {
            p.add("name", "is required");
        } else if (!NAME.matcher(spec.name()).matches()) {
            p.add("name", "'" + spec.name() + "' must be lower-case letters, digits and '-', starting with a letter");
        }
        if (spec.destination() == null) {
            p.add("destination", "is required");
        } else {
            var d = spec.destination();
            if (d.method() == null) {
                p.add("destination.method", "is required: POST or PUT");
            }
            checkUrl(p, "destination.url", d.url());
            checkAuth(p, "destination.auth", d.auth());
            if (d.batch() != null) {
                checkBatch(p, d.batch());
            }
        }
        if (spec.webhook() == null && spec.schedule() == null) {
            p.add("", "declares neither a webhook nor a schedule, so nothing would ever start it");
        }
        var source = spec.source();
        if (spec.webhook() != null) {
            var w = spec.webhook();
            if (w.signature() == null) {
                p.add("webhook.signature", "is required: Ferry accepts no unsigned webhooks");
            } else {
                checkSignature(p, w);
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
            if (source.idempotencyKey() != null) {
                var parts = IntegrationSpec.Source.KEY_PART.matcher(source.idempotencyKey());
                int count = 0;
                while (parts.find()) {
                    count++;
                    checkPointer(p, "source.idempotencyKey", parts.group(1));
                }
                if (count == 0) {
                    p.add("source.idempotencyKey", "needs at least one {/pointer} part, e.g. \"{/id}@{/updated_at}\"");
                }
                if (source.version() != null) {
                    p.add("source.idempotencyKey", "and source.version both define the key: keep one");
                }
            }
            checkAuth(p, "source.auth", source.auth());
            if (source.get() != null) {
                checkUrl(p, "source.get.url", source.get().url());
            }
            if (source.list() != null) {
                checkUrl(p, "source.list.url", source.list().url());
                dev.ferry.shared.spec.paging.ListPlan.problems(source.list()).forEach(problem -> p.add(problem[0], problem[1]));
            }
        }
        if (spec.mapping().isEmpty()) {
            p.add("mapping", "is required: at least one output field");
        }
        checkMapping(p, "mapping", "/mapping", spec.mapping(), spec.lookups().keySet());
        checkLookups(p, spec);
        checkAgainstSchemas(p, spec);
        for (int i = 0; i < spec.examples().size(); i++) {
            var example = spec.examples().get(i);
            String at = "examples[" + i + "]";
            if (example.input() == null) {
                p.add(at + ".input", "is required");
            }
            if ((example.output() == null) == (example.error() == null)) {
                p.add(at, "needs exactly one of 'output' (the expected record) or 'error' (text the error must contain)");
            }
            for (String lookup : example.lookups().keySet()) {
                if (!spec.lookups().containsKey(lookup)) {
                    p.add(at + ".lookups." + lookup, "answers a lookup the spec does not declare");
                }
            }
        }
        if (spec.limits().maxBodyBytes() != null && spec.limits().maxBodyBytes() <= 0) {
            p.add("limits.maxBodyBytes", "must be positive");
        }
    }

    /** Most records one bulk request may carry. */
    public static final int MAX_BATCH_SIZE = 1000;

    private void checkBatch(Problems p, IntegrationSpec.Batch b) {
        String at = "destination.batch";
        if (b.size() == null) {
            p.addAt(at + ".size", "is required: the most records one request may carry (1.." + MAX_BATCH_SIZE + ")");
        } else if (b.size() < 1 || b.size() > MAX_BATCH_SIZE) {
            p.addAt(at + ".size", "must be 1.." + MAX_BATCH_SIZE + ", got " + b.size());
        }
        if (b.url() == null) {
            p.addAt(at + ".url", "is required: the bulk endpoint");
        } else if (b.url().contains("{recordId}")) {
            p.addAt(at + ".url", "must not hold {recordId}: one request carries many records (the records themselves"
                    + " carry their ids)");
        } else if (urlProblem(b.url()) != null) {
            p.addAt(at + ".url", urlProblem(b.url()));
        }
        if (b.wrap() != null && (b.wrap().isEmpty() || b.wrap().equals("/"))) {
            p.addAt(at + ".wrap", "must name where the array goes, e.g. /inputs; leave wrap out to send the bare array");
        } else {
            checkPointerAt(p, at + ".wrap", b.wrap());
        }
        checkPointerAt(p, at + ".results", b.results());
        checkPointerAt(p, at + ".itemStatus", b.itemStatus());
        checkPointerAt(p, at + ".itemOk", b.itemOk());
        checkPointerAt(p, at + ".itemError", b.itemError());
        if (b.itemStatus() != null && b.itemOk() != null) {
            p.addAt(at + ".itemOk", "itemStatus and itemOk are alternatives: keep the one the API's results have");
        }
        if (b.results() == null) {
            for (var item : new String[][] {{"itemStatus", b.itemStatus()}, {"itemOk", b.itemOk()}, {"itemError", b.itemError()}}) {
                if (item[1] != null) {
                    p.addAt(at + "." + item[0], "needs results (the JSON Pointer to the answer's array of per-item results)");
                }
            }
        } else if (b.itemStatus() == null && b.itemOk() == null && b.itemError() == null) {
            p.addAt(at + ".results", "needs itemStatus, itemOk or itemError: how to tell a failed item from a delivered one");
        }
    }

    private static void checkPointerAt(Problems p, String at, String pointer) {
        if (pointer != null && !pointer.isEmpty() && !pointer.startsWith("/")) {
            p.addAt(at, "must be a JSON Pointer starting with '/', got '" + pointer + "'");
        }
    }


    private static void checkMapping(Problems p, String prefix, String pointer, Map<String, IntegrationSpec.FieldRule> mapping,
                                     Set<String> lookups) {
        for (Map.Entry<String, IntegrationSpec.FieldRule> e : mapping.entrySet()) {
            var rule = e.getValue();
            String at = prefix + "." + e.getKey();
            String rulePointer = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
            if (rule == null) {
                p.add(at, "is empty");
                continue;
            }
            int sources = (rule.from() == null ? 0 : 1) + (rule.value() == null ? 0 : 1) + (rule.template() == null ? 0 : 1);
            if (sources != 1) {
                p.add(at, "needs exactly one of 'from' (a JSON Pointer into the source record), 'value' (a constant)"
                        + " or 'template' (text with {/pointer} parts)");
            } else if (rule.from() != null) {
                checkPointer(p, at + ".from", rule.from());
            }
            boolean wantsDefault = rule.ifNull() == Policy.DEFAULT || rule.ifAbsent() == Policy.DEFAULT
                    || rule.ifEmpty() == Policy.DEFAULT || rule.unknown() == Options.UnknownPolicy.DEFAULT;
            if (wantsDefault && rule.defaultValue() == null) {
                p.add(at + ".default", "is required by a 'default' policy");
            }
            if (rule.scale() != null && rule.type() != ValueType.DECIMAL) {
                p.add(at + ".scale", "only applies to type decimal");
            } else if (rule.scale() != null && (rule.scale() < 0 || rule.scale() > dev.ferry.shared.json.Numbers.MAX_FRACTION_DIGITS)) {
                p.add(at + ".scale", "must be 0 to " + dev.ferry.shared.json.Numbers.MAX_FRACTION_DIGITS + " digits, got " + rule.scale());
            }
            checkDateFormats(p, at, rule);
            if (rule.zone() != null) {
                try {
                    java.time.ZoneId.of(rule.zone());
                } catch (java.time.DateTimeException ex) {
                    p.add(at + ".zone", "'" + rule.zone() + "' is not a time zone (e.g. UTC, Europe/Berlin, +02:00)");
                }
            }
            if (rule.lookup() != null && !lookups.contains(rule.lookup())) {
                p.addAt(rulePointer + "/lookup", at + ".lookup", "no lookup named '" + rule.lookup() + "' is declared"
                        + (lookups.isEmpty() ? " (declare it under lookups:)" : " (declared: " + String.join(", ", new java.util.TreeSet<>(lookups)) + ")"));
            }
            if (rule.each() != null) {
                checkMapping(p, at + ".each", rulePointer + "/each", rule.each(), lookups);
            }
        }
    }

    private static final Set<String> EPOCH_UNITS = Set.of("unix-seconds", "unix-millis", "unix-micros");

    /**
     * format, output and zone shape dates only; a pattern must be able to do its job: an input pattern must read
     * back what it writes (a complete date, hours with AM/PM), a date's output pattern must not ask for a time.
     */
    private static void checkDateFormats(Problems p, String at, IntegrationSpec.FieldRule rule) {
        boolean date = rule.type() == ValueType.DATE;
        if (!date && rule.type() != ValueType.DATETIME) {
            for (String[] key : new String[][] {{"format", rule.format()}, {"output", rule.output()}, {"zone", rule.zone()}}) {
                if (key[1] != null) {
                    p.add(at + "." + key[0], "only applies to type datetime or date");
                }
            }
            return;
        }
        if (rule.format() != null && !rule.format().equals("iso") && !EPOCH_UNITS.contains(rule.format())) {
            String problem = dev.ferry.shared.time.DatePattern.problem(rule.format(), dev.ferry.shared.time.DatePattern.Use.READ);
            if (problem != null) {
                p.add(at + ".format", "'" + rule.format() + "' is neither iso, unix-seconds, unix-millis, unix-micros nor a"
                        + " usable date-time pattern: it " + problem);
            }
        }
        if (rule.output() != null && !rule.output().equals("iso")) {
            if (EPOCH_UNITS.contains(rule.output())) {
                if (date) {
                    p.add(at + ".output", "'" + rule.output() + "' writes an instant; type date writes a day (iso or a date pattern)");
                }
            } else {
                String problem = dev.ferry.shared.time.DatePattern.problem(rule.output(), date
                        ? dev.ferry.shared.time.DatePattern.Use.WRITE_DATE : dev.ferry.shared.time.DatePattern.Use.WRITE_INSTANT);
                if (problem != null) {
                    p.add(at + ".output", "'" + rule.output() + "' is neither iso" + (date ? "" : ", unix-seconds, unix-millis, unix-micros")
                            + " nor a usable " + (date ? "date" : "date-time") + " pattern: it " + problem);
                }
            }
        }
    }

    private static final Pattern LOOKUP_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");

    /** Lookups: where to ask, what to take from the answer, how long to keep it; credentials only by secret name. */
    private void checkLookups(Problems p, IntegrationSpec spec) {
        Set<String> used = new java.util.HashSet<>();
        collectLookups(spec.mapping(), used);
        for (Map.Entry<String, IntegrationSpec.Lookup> e : spec.lookups().entrySet()) {
            String name = e.getKey();
            String at = "lookups." + name;
            String pointer = "/lookups/" + name;
            IntegrationSpec.Lookup l = e.getValue();
            if (!LOOKUP_NAME.matcher(name).matches()) {
                p.add(at, "a lookup's name must be letters, digits, '-' and '_', starting with a letter");
            }
            if (l == null) {
                p.add(at, "is empty: a lookup needs at least url and path");
                continue;
            }
            checkUrl(p, at + ".url", l.url());
            if (l.url() != null && !l.url().contains("{value}")) {
                p.add(at + ".url", "must contain {value}, where the URL-encoded value goes"
                        + " (e.g. https://api.example.com/users?email={value})");
            }
            if (l.path() == null) {
                p.add(at + ".path", "is required: a JSON Pointer to the answer in the response (e.g. /data/0/id)");
            } else {
                checkPointer(p, at + ".path", l.path());
            }
            if (l.ttlSeconds() != null && l.ttlSeconds() <= 0) {
                p.add(at + ".ttlSeconds", "must be positive (seconds an answer is cached)");
            }
            if (l.maxEntries() != null && l.maxEntries() <= 0) {
                p.add(at + ".maxEntries", "must be positive (values cached per function instance)");
            }
            checkAuth(p, at + ".auth", l.auth());
            if (!used.contains(name)) {
                warnings.add(p.file() + YamlLines.lineSuffix(p.yaml(), pointer) + ": " + at + ": declared but no mapping rule uses it");
            }
        }
    }

    private static void collectLookups(Map<String, IntegrationSpec.FieldRule> mapping, Set<String> used) {
        for (IntegrationSpec.FieldRule rule : mapping.values()) {
            if (rule != null && rule.lookup() != null) {
                used.add(rule.lookup());
            }
            if (rule != null && rule.each() != null) {
                collectLookups(rule.each(), used);
            }
        }
    }

    /**
     * Ahead-of-time check where schemas are given: every field the destination schema requires must be
     * mapped, and one mapped from a source field that may be null or absent needs a policy for it.
     */
    private static void checkAgainstSchemas(Problems p, IntegrationSpec spec) {
        var destSchema = spec.destination() == null ? null : spec.destination().schema();
        if (destSchema == null || !destSchema.path("required").isArray()) {
            return;
        }
        var sourceSchema = spec.source() == null ? null : spec.source().schema();
        for (var requiredNode : destSchema.get("required")) {
            String field = requiredNode.asText();
            IntegrationSpec.FieldRule rule = spec.mapping().get(field);
            if (rule == null) {
                p.add("mapping", "destination.schema requires '" + field + "' but the mapping has no such field");
                continue;
            }
            if (rule.from() == null || sourceSchema == null) {
                continue;
            }
            String risk = sourceRisk(sourceSchema, rule.from());
            boolean handled = rule.isRequired() || (rule.ifNull() != null && rule.ifAbsent() != null)
                    || ("null".equals(risk) && rule.ifNull() != null) || ("absent".equals(risk) && rule.ifAbsent() != null);
            if (risk != null && !handled) {
                p.add("mapping." + field, "source " + rule.from() + " may be " + (risk.equals("null") ? "null" : "absent")
                        + " (source.schema) but destination.schema requires '" + field + "': declare "
                        + (risk.equals("null") ? "null" : "absent") + ": default (with a default) or reject, or required: true");
            }
        }
    }

    /** "null" or "absent" when the source schema allows that at the pointer, else null. */
    private static String sourceRisk(com.fasterxml.jackson.databind.JsonNode schema, String pointer) {
        var node = schema;
        for (String part : pointer.substring(1).split("/")) {
            String key = part.replace("~1", "/").replace("~0", "~");
            boolean required = false;
            for (var r : node.path("required")) {
                required |= r.asText().equals(key);
            }
            var child = node.path("properties").path(key);
            if (child.isMissingNode()) {
                return null; // the schema does not describe it: nothing to check against
            }
            if (!required) {
                return "absent";
            }
            node = child;
        }
        var type = node.path("type");
        boolean nullable = type.isTextual() ? type.asText().equals("null")
                : type.isArray() && java.util.stream.StreamSupport.stream(type.spliterator(), false).anyMatch(t -> t.asText().equals("null"));
        return nullable ? "null" : null;
    }

    private static void checkSignature(Problems p, IntegrationSpec.Webhook w) {
        IntegrationSpec.Signature sig = w.signature();
        SignatureScheme scheme = sig.schemeOrDefault();
        if (sig.secret() == null) {
            p.add("webhook.signature.secret", "is required (the Secrets Manager secret holding the signing key)");
        }
        if (sig.toleranceSeconds() != null && sig.toleranceSeconds() <= 0) {
            p.add("webhook.signature.toleranceSeconds", "must be positive");
        }
        if (scheme == SignatureScheme.HMAC) {
            if (w.deliveryIdHeader() == null) {
                p.add("webhook.deliveryIdHeader", "is required (the provider's unique delivery id, used to drop redeliveries)");
            }
            if (sig.header() == null) {
                p.add("webhook.signature.header", "is required");
            }
            if (sig.content() != null && sig.content().contains("{timestamp}") && sig.timestampHeader() == null) {
                p.add("webhook.signature.timestampHeader", "is required when the signed content uses {timestamp}");
            }
        } else {
            for (var extra : new String[][] {{"header", sig.header()}, {"prefix", sig.prefix()},
                    {"algorithm", java.util.Objects.toString(sig.algorithm(), null)},
                    {"encoding", java.util.Objects.toString(sig.encoding(), null)}, {"content", sig.content()}, {"timestampHeader", sig.timestampHeader()}}) {
                if (extra[1] != null) {
                    p.add("webhook.signature." + extra[0], "only applies to scheme hmac; the " + scheme
                            + " scheme fixes its own headers and format (remove it)");
                }
            }
        }
    }

    private void checkAuth(Problems p, String at, IntegrationSpec.Auth auth) {
        if (auth == null) {
            return;
        }
        AuthType type = auth.type();
        if (type == null) {
            p.add(at + ".type", "is required: one of " + Options.spellings(AuthType.class));
            return;
        }
        if (type != AuthType.NONE && type != AuthType.AWS_SIGV4 && auth.secret() == null) {
            p.add(at + ".secret", "is required: name the Secrets Manager secret that holds the credential");
        }
        if (type.isOAuth2()) {
            checkUrl(p, at + ".tokenUrl", auth.tokenUrl());
            if (auth.scopes() == null || auth.scopes().isEmpty() || auth.scopes().stream().anyMatch(s -> s == null || s.isBlank())) {
                p.add(at + ".scopes", "is required for OAuth2: list the scopes Ferry needs (least privilege), e.g. scopes: [contacts.read]");
            }
        }
        if (type == AuthType.AWS_SIGV4 && (auth.region() == null || auth.service() == null)) {
            p.add(at, "aws-sigv4 needs region and service (the signing name, e.g. execute-api)");
        }
        if (type == AuthType.API_KEY && auth.query() != null && auth.header() != null) {
            p.add(at, "an api-key goes in a header or a query parameter, not both: keep one of header and query");
        }
        if (type.isStatic() && (auth.rotation() == null || auth.rotation().isBlank())) {
            warnings.add(p.file() + ": " + at + ": a static " + type + " credential without rotation metadata: add"
                    + " rotation: \"<how and how often it is rotated>\" (and rotate it), or prefer OAuth2");
        }
    }

    private void checkUrl(Problems p, String at, String url) {
        String problem = urlProblem(url);
        if (problem != null) {
            p.add(at, problem);
        }
    }

    private String urlProblem(String url) {
        if (url == null) {
            return "is required";
        } else if (url.startsWith("http://") && !localMode) {
            return "plain http:// is only allowed in local mode; use https://";
        } else if (!url.startsWith("https://") && !url.startsWith("http://")) {
            return "must be an http(s) URL, got '" + url + "'";
        }
        return null;
    }

    private static void checkPointer(Problems p, String at, String pointer) {
        if (!pointer.isEmpty() && !pointer.startsWith("/")) {
            p.add(at, "must be a JSON Pointer starting with '/', got '" + pointer + "'");
        }
    }

    record Problems(String file, String yaml, List<String> list) {
        void add(String path, String problem) {
            // Every problem carries the line of its key; keys holding dots (mapping fields) are resolved longest first.
            list.add(file + YamlLines.lineSuffixOfPath(yaml, path) + ": " + (path.isEmpty() ? "" : path + ": ") + problem);
        }

        /** With the line of the key at {@code pointer} (or of its nearest parent). */
        void addAt(String pointer, String path, String problem) {
            list.add(file + YamlLines.lineSuffix(yaml, pointer) + ": " + path + ": " + problem);
        }

        /** With the line of the key at {@code path} (a dotted path of plain keys), or of its nearest parent present. */
        void addAt(String path, String problem) {
            addAt("/" + path.replace('.', '/'), path, problem);
        }
    }
}
