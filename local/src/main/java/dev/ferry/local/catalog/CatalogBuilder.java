package dev.ferry.local.catalog;

import dev.ferry.local.catalog.Catalog.ApiUse;
import dev.ferry.local.catalog.Catalog.Edge;
import dev.ferry.local.catalog.Catalog.Role;
import dev.ferry.local.catalog.Catalog.SecretUse;
import dev.ferry.shared.mapping.ExampleRunner;
import dev.ferry.shared.mapping.Lineage;
import dev.ferry.shared.spec.ApiSpec;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.IntegrationSpec.ApiLimits;
import dev.ferry.shared.spec.IntegrationSpec.Auth;
import dev.ferry.shared.spec.IntegrationSpec.FieldRule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link Catalog} from specs as the functions load them (APIs compiled into each integration's sections) and
 * the deployment template. Runs every spec's examples with the same {@link ExampleRunner} that {@code ferry test} and the
 * build use, so "passes" means what it means everywhere else.
 */
public final class CatalogBuilder {

    private static final Pattern HOST = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://([^/:?#]+)");

    private final IntegrationRegistry registry;
    private final DeploymentTemplate template;
    private final Map<String, String> specFiles;

    /** The APIs each integration calls, and how, gathered while building: the edges of the graph. */
    private final List<Edge> edges = new ArrayList<>();
    private final Map<String, Catalog.Api> inlineApis = new TreeMap<>();
    private final Map<String, Set<String>> secretHeldBy = new TreeMap<>();
    private final Map<String, Set<String>> secretUsedBy = new TreeMap<>();
    private final Map<String, Set<String>> apiUsedBy = new TreeMap<>();
    private final Map<String, Set<String>> queueUsedBy = new TreeMap<>();

    /**
     * @param specFiles where each integration was read from, by name (e.g. "integrations/crm-contacts.yaml"), for people
     *                  who want to open it; an integration missing here is shown as {@code integrations/NAME.yaml}
     */
    public CatalogBuilder(IntegrationRegistry registry, DeploymentTemplate template, Map<String, String> specFiles) {
        this.registry = registry;
        this.template = template;
        this.specFiles = specFiles;
    }

    public Catalog build() {
        List<Catalog.Integration> integrations = registry.all().stream().sorted(Comparator.comparing(IntegrationSpec::name))
                .map(this::integration).toList();
        List<Catalog.Api> apis = new ArrayList<>();
        for (ApiSpec api : registry.apis().all()) {
            apis.add(declared(api));
        }
        apis.addAll(inlineApis.values().stream().map(a -> withUsers(a, apiUsedBy.get(a.name()))).toList());
        apis.sort(Comparator.comparing(Catalog.Api::name));
        List<Catalog.Secret> secrets = secretHeldBy.entrySet().stream().map(e -> new Catalog.Secret(e.getKey(), List.copyOf(e.getValue()),
                List.copyOf(secretUsedBy.getOrDefault(e.getKey(), Set.of())))).toList();
        List<Catalog.Queue> queues = template.queues().stream().map(q -> new Catalog.Queue(q.name(), q.logicalId(), q.deadLetter(),
                q.deadLetterQueue() == null ? null : template.queue(q.deadLetterQueue()).map(DeploymentTemplate.Queue::name).orElse(q.deadLetterQueue()),
                q.description(), List.copyOf(queueUsedBy.getOrDefault(q.logicalId(), Set.of())))).sorted(Comparator.comparing(Catalog.Queue::name)).toList();
        List<Catalog.Table> tables = template.tables().stream().map(t -> new Catalog.Table(t.name(), t.logicalId(), t.description()))
                .sorted(Comparator.comparing(Catalog.Table::name)).toList();
        return new Catalog(Catalog.VERSION, integrations, List.copyOf(apis), secrets, queues, tables, List.copyOf(edges));
    }

    public static String integrationId(String name) {
        return "integration:" + name;
    }

    public static String apiId(String name) {
        return "api:" + name;
    }

    public static String secretId(String name) {
        return "secret:" + name;
    }

    private Catalog.Integration integration(IntegrationSpec spec) {
        String name = spec.name();
        List<ApiUse> uses = new ArrayList<>();
        List<SecretUse> secrets = new ArrayList<>();
        List<Catalog.CallLimits> calls = new ArrayList<>();
        IntegrationSpec.Source source = spec.source();
        if (source != null && (source.get() != null || source.list() != null)) {
            List<String> endpoints = new ArrayList<>();
            if (source.get() != null) endpoints.add("GET " + source.get().url());
            if (source.list() != null) endpoints.add("GET " + source.list().url());
            String api = use(spec, Role.READS, null, source.api(), source.auth(), endpoints, uses, secrets);
            calls.add(limits("source", api, spec.limits().source()));
        }
        IntegrationSpec.Destination destination = spec.destination();
        if (destination != null) {
            List<String> endpoints = new ArrayList<>();
            if (destination.url() != null) endpoints.add(destination.method() + " " + destination.url());
            if (destination.batch() != null && destination.batch().url() != null) {
                endpoints.add(destination.batch().methodOrDefault() + " " + destination.batch().url() + " (batches of "
                        + destination.batch().size() + ")");
            }
            String api = use(spec, Role.WRITES, null, destination.api(), destination.auth(), endpoints, uses, secrets);
            calls.add(limits("destination", api, spec.limits().destination()));
        }
        Map<String, String> lookupApis = new LinkedHashMap<>();
        for (Map.Entry<String, IntegrationSpec.Lookup> e : spec.lookups().entrySet()) {
            IntegrationSpec.Lookup l = e.getValue();
            String api = use(spec, Role.LOOKS_UP, e.getKey(), l.api(), l.auth(), List.of("GET " + l.url()), uses, secrets);
            lookupApis.put(e.getKey(), api);
            calls.add(limits("lookup " + e.getKey(), api, l.limits()));
        }

        Catalog.Webhook webhook = null;
        if (spec.webhook() != null) {
            IntegrationSpec.Signature sig = spec.webhook().signature();
            String secret = sig == null ? null : sig.secret();
            webhook = new Catalog.Webhook("POST", "/webhooks/" + name, spec.webhook().thin() ? "thin" : "full",
                    sig == null ? null : sig.schemeOrDefault().toString(), sig == null ? null : sig.header(),
                    spec.webhook().deliveryIdHeader(), secret);
            if (secret != null) {
                secrets.add(new SecretUse(secret, "webhook signature (" + sig.schemeOrDefault() + ")", null));
                edges.add(new Edge(integrationId(name), secretId(secret), "verifies-with", "webhook signature"));
                secretHeldBy.computeIfAbsent(secret, k -> new TreeSet<>()).add(integrationId(name));
                secretUsedBy.computeIfAbsent(secret, k -> new TreeSet<>()).add(name);
            }
        }
        Catalog.Schedule schedule = null;
        if (spec.schedule() != null) {
            DeploymentTemplate.Schedule deployed = template.schedules().get(name);
            schedule = deployed == null ? new Catalog.Schedule(spec.schedule(), false, null, null, null)
                    : new Catalog.Schedule(spec.schedule(), true, deployed.name(), deployed.retries(),
                    template.queue(deployed.deadLetterQueue()).map(DeploymentTemplate.Queue::name).orElse(deployed.deadLetterQueue()));
        }
        Catalog.Triggers triggers = new Catalog.Triggers(webhook, schedule, webhook != null && schedule != null);

        List<String> queues = queues(spec);
        List<Catalog.Example> examples = new ExampleRunner().run(spec).stream()
                .map(r -> new Catalog.Example(r.example(), r.passed(), r.problem())).toList();
        String file = specFiles.getOrDefault(name, "integrations/" + name + ".yaml");
        return new Catalog.Integration(name, spec.description(), spec.owner(), file, triggers, List.copyOf(uses), List.copyOf(secrets),
                new Catalog.Limits(spec.limits().maxBodyBytes(), List.copyOf(calls)), queues, dataMap(spec, lookupApis), examples);
    }

    /** Records one call to an API (declared or inline) and the secret its auth holds; answers the API's name. */
    private String use(IntegrationSpec spec, Role role, String lookup, String declared, Auth auth, List<String> endpoints,
                       List<ApiUse> uses, List<SecretUse> secrets) {
        String name = spec.name();
        ApiSpec api = declared == null ? null : registry.apis().find(declared).orElse(null);
        String apiName;
        List<String> relative = endpoints;
        if (api != null) {
            apiName = api.name();
            String base = api.url("");
            relative = endpoints.stream().map(e -> e.replace(" " + base, " ")).toList();
        } else {
            apiName = inlineName(endpoints);
            inlineApis.computeIfAbsent(apiName, n -> new Catalog.Api(n, "an API written inline in " + name, spec.owner(), null, null, false,
                    baseOf(endpoints), auth == null || auth.type() == null ? "none" : auth.type().toString(), auth == null ? null : auth.secret(),
                    Map.of(), List.of()));
            if (auth != null && auth.secret() != null) {
                secretHeldBy.computeIfAbsent(auth.secret(), k -> new TreeSet<>()).add(apiId(apiName));
                if (edges.stream().noneMatch(e -> e.from().equals(apiId(apiName)) && e.to().equals(secretId(auth.secret())))) {
                    edges.add(new Edge(apiId(apiName), secretId(auth.secret()), "authenticates-with", auth.type().toString()));
                }
            }
        }
        uses.add(new ApiUse(apiName, role, lookup, relative));
        edges.add(new Edge(integrationId(name), apiId(apiName), role.toString(), lookup == null ? role.toString() : "lookup " + lookup));
        apiUsedBy.computeIfAbsent(apiName, k -> new TreeSet<>()).add(name);
        Auth effective = api != null ? api.auth() : auth;
        if (effective != null && effective.secret() != null && secrets.stream().noneMatch(s -> s.secret().equals(effective.secret()))) {
            secrets.add(new SecretUse(effective.secret(), effective.type() + " credentials for " + apiName, apiName));
            secretUsedBy.computeIfAbsent(effective.secret(), k -> new TreeSet<>()).add(name);
        }
        return apiName;
    }

    private Catalog.Api declared(ApiSpec api) {
        Map<String, Object> limits = new LinkedHashMap<>();
        ApiLimits l = api.limits();
        if (l != null) {
            put(limits, "requestsPerSecond", l.requestsPerSecond());
            put(limits, "burst", l.burst());
            put(limits, "timeoutMs", l.timeoutMs());
            put(limits, "retries", l.retries());
            put(limits, "retryDelayMs", l.retryDelayMs());
            put(limits, "concurrency", l.concurrency());
            if (l.circuitBreaker() != null) {
                Map<String, Object> cb = new LinkedHashMap<>();
                put(cb, "failureRatio", l.circuitBreaker().failureRatio());
                put(cb, "requestVolume", l.circuitBreaker().requestVolume());
                put(cb, "delayMs", l.circuitBreaker().delayMs());
                put(cb, "successThreshold", l.circuitBreaker().successThreshold());
                limits.put("circuitBreaker", cb);
            }
        }
        Auth auth = api.auth();
        String secret = auth == null ? null : auth.secret();
        if (secret != null) {
            secretHeldBy.computeIfAbsent(secret, k -> new TreeSet<>()).add(apiId(api.name()));
            edges.add(new Edge(apiId(api.name()), secretId(secret), "authenticates-with", auth.type().toString()));
        }
        String authText = auth == null || auth.type() == null ? "none" : auth.type().toString()
                + (auth.scopes() == null || auth.scopes().isEmpty() ? "" : " (scopes " + String.join(" ", auth.scopes()) + ")");
        return new Catalog.Api(api.name(), api.description(), api.owner(), api.docs(), registry.apis().fileOf(api.name()), true,
                api.baseUrl(), authText, secret, limits, List.copyOf(apiUsedBy.getOrDefault(api.name(), Set.of())));
    }

    private static Catalog.Api withUsers(Catalog.Api a, Set<String> users) {
        return new Catalog.Api(a.name(), a.description(), a.owner(), a.docs(), a.file(), a.declared(), a.baseUrl(), a.auth(), a.secret(),
                a.limits(), users == null ? List.of() : List.copyOf(users));
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** The limits one kind of call runs under: the API's budget, timeout and concurrency; the integration's share and retries. */
    private static Catalog.CallLimits limits(String call, String api, ApiLimits l) {
        if (l == null) {
            return new Catalog.CallLimits(call, api, null, null, null, null, null, null, null);
        }
        ApiLimits whole = l.within();
        if (whole == null) {
            return new Catalog.CallLimits(call, api, l.api(), l.requestsPerSecond(), l.burst(), null, l.timeoutMs(), l.retries(), l.concurrency());
        }
        return new Catalog.CallLimits(call, api, whole.api(), whole.requestsPerSecond(), l.burst() != null ? l.burst() : whole.burst(),
                l.requestsPerSecond(), whole.timeoutMs(), l.retries(), whole.concurrency());
    }

    /** The queues a record of this integration passes (logical ids in the template), recorded per queue too. */
    private List<String> queues(IntegrationSpec spec) {
        Set<String> logical = new LinkedHashSet<>();
        if (spec.webhook() != null && spec.webhook().thin()) logical.add("FetchQueue");
        logical.add("TransformQueue");
        logical.add("DeliverQueue");
        List<String> names = new ArrayList<>();
        for (String id : logical) {
            template.queue(id).ifPresent(q -> {
                names.add(q.name());
                queueUsedBy.computeIfAbsent(id, k -> new TreeSet<>()).add(spec.name());
                if (q.deadLetterQueue() != null) {
                    template.queue(q.deadLetterQueue()).ifPresent(d -> {
                        names.add(d.name());
                        queueUsedBy.computeIfAbsent(d.logicalId(), k -> new TreeSet<>()).add(spec.name());
                    });
                }
            });
        }
        DeploymentTemplate.Schedule deployed = spec.schedule() == null ? null : template.schedules().get(spec.name());
        if (deployed != null && deployed.deadLetterQueue() != null) {
            template.queue(deployed.deadLetterQueue()).ifPresent(d -> {
                names.add(d.name());
                queueUsedBy.computeIfAbsent(d.logicalId(), k -> new TreeSet<>()).add(spec.name());
            });
        }
        return List.copyOf(names);
    }

    /** Lineage's view of each output field, with the source pointers and the lookups (and their APIs) it goes through. */
    private static List<Catalog.Field> dataMap(IntegrationSpec spec, Map<String, String> lookupApis) {
        Map<String, Lineage.Field> lineage = Lineage.of(spec);
        Map<String, FieldRule> rules = new LinkedHashMap<>();
        flatten("", spec.mapping(), rules);
        List<Catalog.Field> fields = new ArrayList<>();
        for (Lineage.Field f : lineage.values()) {
            FieldRule rule = rules.get(f.field());
            List<String> paths = new ArrayList<>();
            if (rule != null && rule.value() == null) {
                if (rule.template() != null) {
                    Matcher m = IntegrationSpec.Source.KEY_PART.matcher(rule.template());
                    while (m.find()) paths.add(m.group(1));
                } else if (f.source() != null) {
                    paths.add(f.source());
                }
            }
            List<Catalog.FieldLookup> lookups = rule == null || rule.lookup() == null ? List.of()
                    : List.of(new Catalog.FieldLookup(rule.lookup(), lookupApis.get(rule.lookup())));
            fields.add(new Catalog.Field(f.field(), f.source(), List.copyOf(paths), f.conversions(), lookups));
        }
        return List.copyOf(fields);
    }

    /** The rules by the same output paths Lineage uses (dots for nesting, [] for array items). */
    private static void flatten(String prefix, Map<String, FieldRule> mapping, Map<String, FieldRule> out) {
        for (Map.Entry<String, FieldRule> e : mapping.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
            if (e.getValue().each() != null) {
                flatten(prefix + e.getKey() + "[].", e.getValue().each(), out);
            }
        }
    }

    private static String inlineName(List<String> endpoints) {
        for (String e : endpoints) {
            Matcher m = HOST.matcher(e.substring(e.indexOf(' ') + 1));
            if (m.find()) {
                return m.group(1);
            }
        }
        return "inline";
    }

    private static String baseOf(List<String> endpoints) {
        for (String e : endpoints) {
            String url = e.substring(e.indexOf(' ') + 1);
            Matcher m = HOST.matcher(url);
            if (m.find()) {
                return url.substring(0, m.end());
            }
        }
        return null;
    }
}
