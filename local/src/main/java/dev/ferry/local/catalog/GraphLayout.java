package dev.ferry.local.catalog;

import dev.ferry.local.catalog.Catalog.Edge;
import org.jgrapht.Graphs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Positions for the page's SVG: three layers, integrations | APIs | secrets, each ordered by the mean position of its
 * neighbours (the barycentre heuristic, a few sweeps both ways) so that lines cross little. Written by hand: the graph
 * is small and layered by nature, and JGraphT's layouts (circular, force-directed) do not keep the layers apart.
 */
public final class GraphLayout {

    public static final int ROW = 40;
    public static final int NODE_WIDTH = 190;
    public static final int NODE_HEIGHT = 26;
    private static final int MARGIN = 30;
    private static final int[] COLUMN_X = {MARGIN, 400, 770};
    private static final String[] KINDS = {"integration", "api", "secret"};

    /** A node's box: top-left corner. */
    public record Box(DependencyGraph.Node node, int x, int y) {
        public int cx() {
            return x + NODE_WIDTH / 2;
        }

        public int cy() {
            return y + NODE_HEIGHT / 2;
        }
    }

    /** An edge as an SVG path from the right side of one box to the left side of the other (or around, in one layer). */
    public record Line(Edge edge, String path) {
    }

    public record Layout(int width, int height, List<Box> boxes, List<Line> lines) {
    }

    private GraphLayout() {
    }

    public static Layout of(DependencyGraph graph) {
        List<List<DependencyGraph.Node>> layers = new ArrayList<>();
        for (String kind : KINDS) {
            layers.add(new ArrayList<>(graph.nodes().stream().filter(n -> n.kind().equals(kind))
                    .sorted(Comparator.comparing(DependencyGraph.Node::name)).toList()));
        }
        for (int sweep = 0; sweep < 4; sweep++) {
            for (int l = 1; l < layers.size(); l++) {
                order(layers.get(l), layers, graph);
            }
            for (int l = layers.size() - 2; l >= 0; l--) {
                order(layers.get(l), layers, graph);
            }
        }
        int rows = layers.stream().mapToInt(List::size).max().orElse(0);
        int height = Math.max(rows, 1) * ROW + 2 * MARGIN;
        Map<String, Box> boxes = new HashMap<>();
        List<Box> all = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            List<DependencyGraph.Node> layer = layers.get(l);
            int top = MARGIN + (rows - layer.size()) * ROW / 2;
            for (int i = 0; i < layer.size(); i++) {
                Box b = new Box(layer.get(i), COLUMN_X[l], top + i * ROW);
                boxes.put(b.node().id(), b);
                all.add(b);
            }
        }
        List<Line> lines = new ArrayList<>();
        for (Edge e : graph.graph().edgeSet()) {
            Box a = boxes.get(e.from());
            Box b = boxes.get(e.to());
            if (a != null && b != null) {
                lines.add(new Line(e, path(a, b)));
            }
        }
        lines.sort(Comparator.comparing((Line line) -> line.edge().from()).thenComparing(line -> line.edge().to())
                .thenComparing(line -> line.edge().label() == null ? "" : line.edge().label()));
        return new Layout(COLUMN_X[2] + NODE_WIDTH + MARGIN, height, List.copyOf(all), List.copyOf(lines));
    }

    /** Sorts one layer by the mean index of each node's neighbours in the other layers (stable: ties keep their order). */
    private static void order(List<DependencyGraph.Node> layer, List<List<DependencyGraph.Node>> layers, DependencyGraph graph) {
        Map<String, Double> index = new HashMap<>();
        for (List<DependencyGraph.Node> other : layers) {
            for (int i = 0; i < other.size(); i++) {
                index.put(other.get(i).id(), (double) i / Math.max(1, other.size() - 1));
            }
        }
        Map<String, Double> centre = new HashMap<>();
        for (int i = 0; i < layer.size(); i++) {
            DependencyGraph.Node n = layer.get(i);
            List<String> around = Graphs.neighborListOf(graph.graph(), n.id()).stream()
                    .filter(id -> layer.stream().noneMatch(m -> m.id().equals(id))).toList();
            double own = (double) i / Math.max(1, layer.size() - 1);
            centre.put(n.id(), around.isEmpty() ? own : around.stream().mapToDouble(id -> index.getOrDefault(id, own)).average().orElse(own));
        }
        layer.sort(Comparator.comparing(n -> centre.get(n.id())));
    }

    private static String path(Box a, Box b) {
        int x1 = a.x() + NODE_WIDTH;
        int y1 = a.cy();
        int x2 = b.x();
        int y2 = b.cy();
        double bend = Math.max(40, (x2 - x1) / 2.0);
        return String.format(Locale.ROOT, "M%d %d C%.0f %d %.0f %d %d %d", x1, y1, x1 + bend, y1, x2 - bend, y2, x2, y2);
    }
}
