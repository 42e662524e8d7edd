package dev.ferry.local.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The catalog as Backstage entities ({@code catalog-info.yaml}, one YAML document each): a Component per integration
 * ({@code consumesApis} its APIs, {@code dependsOn} its queues, tables and secrets, {@code owner} its owner), an API
 * entity per API, and Resources for the queues, tables and secrets. Entity names follow Backstage's rules (letters,
 * digits, {@code -_.}, at most 63): a secret {@code ferry/crm/api} becomes {@code secret-ferry-crm-api}, its real name
 * kept in an annotation.
 */
public final class BackstageExport {

    public static final String API_VERSION = "backstage.io/v1alpha1";
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).disable(YAMLGenerator.Feature.SPLIT_LINES).build());

    private final Catalog catalog;
    private final String platformOwner;

    /** @param platformOwner owner of what all integrations share (queues, tables), e.g. a platform team */
    public BackstageExport(Catalog catalog, String platformOwner) {
        this.catalog = catalog;
        this.platformOwner = platformOwner;
    }

    /** The entities, in order: components, APIs, resources. */
    public List<Map<String, Object>> entities() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Catalog.Integration i : catalog.integrations()) {
            out.add(component(i));
        }
        for (Catalog.Api a : catalog.apis()) {
            out.add(api(a));
        }
        for (Catalog.Queue q : catalog.queues()) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("type", "aws-sqs-queue");
            spec.put("owner", owner(platformOwner));
            if (q.deadLetterQueue() != null) {
                spec.put("dependsOn", List.of("resource:" + name(q.deadLetterQueue())));
            }
            out.add(entity("Resource", name(q.name()), q.description(), q.deadLetter() ? List.of("ferry", "dead-letter") : List.of("ferry"),
                    Map.of("ferry.dev/logical-id", q.logicalId()), spec));
        }
        for (Catalog.Table t : catalog.tables()) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("type", "aws-dynamodb-table");
            spec.put("owner", owner(platformOwner));
            out.add(entity("Resource", name(t.name()), t.description(), List.of("ferry"), Map.of("ferry.dev/logical-id", t.logicalId()), spec));
        }
        for (Catalog.Secret s : catalog.secrets()) {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("type", "aws-secretsmanager-secret");
            spec.put("owner", owner(secretOwner(s)));
            out.add(entity("Resource", secretName(s.name()), "Secrets Manager secret " + s.name() + " (held by "
                    + String.join(", ", s.heldBy()) + ")", List.of("ferry", "secret"), Map.of("ferry.dev/secret-name", s.name()), spec));
        }
        return out;
    }

    /** The entities as one multi-document YAML file. */
    public String yaml() {
        StringBuilder out = new StringBuilder();
        out.append("# Ferry's integrations as Backstage entities, written by `ferry catalog`; do not edit by hand.\n");
        try {
            for (Map<String, Object> e : entities()) {
                out.append(YAML.writeValueAsString(e));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private Map<String, Object> component(Catalog.Integration i) {
        Set<String> apis = new LinkedHashSet<>();
        i.apis().forEach(u -> apis.add("api:" + name(u.api())));
        Set<String> depends = new LinkedHashSet<>();
        catalog.queues().stream().filter(q -> i.queues().contains(q.name())).forEach(q -> depends.add("resource:" + name(q.name())));
        catalog.tables().forEach(t -> depends.add("resource:" + name(t.name())));
        i.secrets().forEach(s -> depends.add("resource:" + secretName(s.secret())));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", "integration");
        spec.put("lifecycle", i.file().startsWith("sandbox/") ? "experimental" : "production");
        spec.put("owner", owner(i.owner()));
        if (!apis.isEmpty()) spec.put("consumesApis", List.copyOf(apis));
        if (!depends.isEmpty()) spec.put("dependsOn", List.copyOf(depends));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("ferry.dev/spec", i.file());
        if (i.triggers().webhook() != null) {
            annotations.put("ferry.dev/webhook", i.triggers().webhook().method() + " " + i.triggers().webhook().path());
        }
        if (i.triggers().schedule() != null) {
            annotations.put("ferry.dev/schedule", i.triggers().schedule().expression());
        }
        long passing = i.examples().stream().filter(Catalog.Example::passed).count();
        annotations.put("ferry.dev/examples", passing + " of " + i.examples().size() + " passing");
        List<String> tags = new ArrayList<>(List.of("ferry", "integration"));
        if (i.triggers().webhook() != null) tags.add("webhook");
        if (i.triggers().schedule() != null) tags.add("scheduled");
        return entity("Component", name(i.name()), i.description(), tags, annotations, spec);
    }

    private Map<String, Object> api(Catalog.Api a) {
        Map<String, Object> definition = new LinkedHashMap<>();
        definition.put("baseUrl", a.baseUrl());
        definition.put("auth", a.auth());
        if (a.secret() != null) definition.put("secret", a.secret());
        if (!a.limits().isEmpty()) definition.put("limits", a.limits());
        if (a.docs() != null) definition.put("docs", a.docs());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("type", "ferry-api");
        spec.put("lifecycle", a.file() != null && a.file().startsWith("sandbox/") ? "experimental" : "production");
        spec.put("owner", owner(a.owner()));
        try {
            spec.put("definition", YAML.writeValueAsString(definition).replaceFirst("^---\\n", ""));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        if (a.file() != null) annotations.put("ferry.dev/spec", a.file());
        annotations.put("ferry.dev/used-by", String.join(", ", a.usedBy()));
        Map<String, Object> e = entity("API", name(a.name()), a.description(), a.declared() ? List.of("ferry") : List.of("ferry", "inline"),
                annotations, spec);
        if (a.docs() != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = (Map<String, Object>) e.get("metadata");
            metadata.put("links", List.of(Map.of("url", a.docs(), "title", "API documentation")));
        }
        return e;
    }

    private String secretOwner(Catalog.Secret s) {
        for (String holder : s.heldBy()) {
            if (holder.startsWith("api:")) {
                var api = catalog.api(holder.substring(4));
                if (api.isPresent() && api.get().owner() != null) return api.get().owner();
            } else if (holder.startsWith("integration:")) {
                var integration = catalog.integration(holder.substring(12));
                if (integration.isPresent() && integration.get().owner() != null) return integration.get().owner();
            }
        }
        return platformOwner;
    }

    private static Map<String, Object> entity(String kind, String name, String description, List<String> tags, Map<String, String> annotations,
                                              Map<String, Object> spec) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (description != null) metadata.put("description", description);
        metadata.put("tags", tags);
        metadata.put("annotations", annotations);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("apiVersion", API_VERSION);
        e.put("kind", kind);
        e.put("metadata", metadata);
        e.put("spec", spec);
        return e;
    }

    /** An owner reference: a bare team name is a Group in Backstage. */
    static String owner(String owner) {
        if (owner == null || owner.isBlank()) return "group:unknown";
        return owner.contains(":") ? owner : "group:" + name(owner);
    }

    static String secretName(String secret) {
        return name("secret-" + secret);
    }

    /** A Backstage entity name: [A-Za-z0-9] at both ends, [-_.A-Za-z0-9] between, at most 63 characters. */
    static String name(String raw) {
        String s = raw.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
        if (s.length() > 63) {
            String hash = Integer.toHexString(raw.hashCode() & 0x7fffffff);
            s = s.substring(0, 62 - hash.length()).replaceAll("[^A-Za-z0-9]+$", "") + "-" + hash;
        }
        return s.isEmpty() ? "unnamed" : s;
    }
}
