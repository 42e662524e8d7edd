package dev.ferry.local.catalog;

import dev.ferry.local.catalog.Catalog.Edge;
import org.jgrapht.Graph;
import org.jgrapht.Graphs;
import org.jgrapht.graph.DirectedPseudograph;
import org.jgrapht.graph.EdgeReversedGraph;
import org.jgrapht.traverse.BreadthFirstIterator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The catalog as a directed graph (JGraphT): integration → API it reads, writes or looks up in; integration → secret
 * its webhooks are verified with; API → secret its auth holds. Node ids are {@code integration:N}, {@code api:N},
 * {@code secret:N}. Answers neighbours (for the page) and impact: who depends on an API or a secret.
 */
public final class DependencyGraph {

    /** One node; {@code kind} is integration, api or secret. */
    public record Node(String id, String kind, String name) {
    }

    private final Catalog catalog;
    private final Graph<String, Edge> graph = new DirectedPseudograph<>(Edge.class);
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    public DependencyGraph(Catalog catalog) {
        this.catalog = catalog;
        catalog.integrations().forEach(i -> add(CatalogBuilder.integrationId(i.name()), "integration", i.name()));
        catalog.apis().forEach(a -> add(CatalogBuilder.apiId(a.name()), "api", a.name()));
        catalog.secrets().forEach(s -> add(CatalogBuilder.secretId(s.name()), "secret", s.name()));
        for (Edge e : catalog.edges()) {
            graph.addEdge(e.from(), e.to(), e);
        }
    }

    private void add(String id, String kind, String name) {
        nodes.put(id, new Node(id, kind, name));
        graph.addVertex(id);
    }

    public Graph<String, Edge> graph() {
        return graph;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    public Optional<Node> node(String id) {
        return Optional.ofNullable(nodes.get(id));
    }

    /** The nodes one edge away, either direction, sorted. */
    public Set<String> neighbours(String id) {
        return new TreeSet<>(Graphs.neighborSetOf(graph, id));
    }

    /** Every node that depends on {@code id}, however far (walking the edges backwards). */
    public Set<String> dependents(String id) {
        Set<String> out = new TreeSet<>();
        new BreadthFirstIterator<>(new EdgeReversedGraph<>(graph), id).forEachRemaining(out::add);
        out.remove(id);
        return out;
    }

    /**
     * What depends on an API or a secret, named as written ({@code billing}, {@code ferry/crm/api}); an API is tried
     * first. Empty when no such API or secret is in the catalog.
     */
    public Optional<Impact> impact(String target) {
        if (nodes.containsKey(CatalogBuilder.apiId(target))) {
            return Optional.of(impactOf(CatalogBuilder.apiId(target)));
        }
        if (nodes.containsKey(CatalogBuilder.secretId(target))) {
            return Optional.of(impactOf(CatalogBuilder.secretId(target)));
        }
        return Optional.empty();
    }

    private Impact impactOf(String id) {
        Node target = nodes.get(id);
        Map<String, List<String>> how = new LinkedHashMap<>();
        Map<String, List<Edge>> apiEdges = new LinkedHashMap<>();
        List<String> apis = new ArrayList<>();
        for (Edge e : graph.incomingEdgesOf(id)) {
            Node from = nodes.get(e.from());
            if (from.kind().equals("integration")) {
                how.computeIfAbsent(from.name(), k -> new ArrayList<>()).add(describe(e, target));
                apiEdges.computeIfAbsent(from.name(), k -> new ArrayList<>()).add(e);
            } else if (from.kind().equals("api")) {
                apis.add(from.name());
                for (Edge use : graph.incomingEdgesOf(from.id())) {
                    String integration = nodes.get(use.from()).name();
                    how.computeIfAbsent(integration, k -> new ArrayList<>()).add(describe(use, nodes.get(use.to())) + ", whose auth holds "
                            + target.name());
                    apiEdges.computeIfAbsent(integration, k -> new ArrayList<>()).add(use);
                }
            }
        }
        List<Impact.Dependent> integrations = new ArrayList<>();
        List<Impact.ScheduleHit> schedules = new ArrayList<>();
        List<Impact.FieldHit> fields = new ArrayList<>();
        for (Catalog.Integration i : catalog.integrations()) {
            List<Edge> through = apiEdges.get(i.name());
            if (through == null) {
                continue;
            }
            integrations.add(new Impact.Dependent(i.name(), i.owner(), List.copyOf(new java.util.LinkedHashSet<>(how.get(i.name())))));
            boolean callsOnly = through.stream().anyMatch(e -> !e.kind().equals("verifies-with"));
            if (i.triggers().schedule() != null && callsOnly) {
                schedules.add(new Impact.ScheduleHit(i.name(), i.triggers().schedule().expression(), i.triggers().schedule().name(),
                        through.stream().filter(e -> !e.kind().equals("verifies-with")).map(e -> describe(e, nodes.get(e.to())))
                                .distinct().toList()));
            }
            for (Catalog.Field f : i.dataMap()) {
                List<String> reasons = new ArrayList<>();
                for (Edge e : through) {
                    String api = nodes.get(e.to()).name();
                    switch (e.kind()) {
                        case "looks-up" -> f.lookups().stream().filter(l -> api.equals(l.api()) && e.label().equals("lookup " + l.lookup()))
                                .forEach(l -> reasons.add("looked up in " + api + " (lookup " + l.lookup() + ")"));
                        case "reads" -> {
                            if (!f.sourcePaths().isEmpty()) reasons.add("read from " + api);
                        }
                        case "writes" -> reasons.add("written to " + api);
                        case "verifies-with" -> {
                            if (!f.sourcePaths().isEmpty()) reasons.add("arrives in webhooks verified with " + target.name());
                        }
                        default -> { }
                    }
                }
                if (!reasons.isEmpty()) {
                    fields.add(new Impact.FieldHit(i.name(), f.field(), List.copyOf(new java.util.LinkedHashSet<>(reasons))));
                }
            }
        }
        return new Impact(target.kind(), target.name(), List.copyOf(new TreeSet<>(apis)), integrations, schedules, fields);
    }

    private static String describe(Edge e, Node to) {
        return switch (e.kind()) {
            case "reads" -> "reads records from " + to.name();
            case "writes" -> "writes records to " + to.name();
            case "looks-up" -> "looks values up in " + to.name() + " (" + e.label() + ")";
            case "verifies-with" -> "verifies its webhooks with " + to.name();
            default -> e.kind() + " " + to.name();
        };
    }
}
