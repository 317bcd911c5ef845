package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The paired cells of a run, read from JMH's own JSON ({@code jmh-result.json}): for each cell the
 * throughput of every measured iteration, split into Satchel's and the other side's by {@link
 * Turns}, and the ratio of each pair of neighbouring iterations.
 */
public final class PairedResults {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One measured comparison: Satchel's engine doing an operation, against a floor or a peer. */
    public record Cell(EngineType engine, Operation operation, String against, Payload payload, int threads) {
        /** Whether the other side is a floor (the raw store), not a peer library. */
        public boolean againstFloor() {
            return against.equals("FLOOR") || against.startsWith("FLOOR:");
        }

        /** The arguments of {@code scripts/bench --only} that measure this cell alone. */
        public String only() {
            return engine.name().toLowerCase(java.util.Locale.ROOT) + " " + operation.label()
                    + (against.equals("FLOOR") ? "" : " " + against.toLowerCase(java.util.Locale.ROOT))
                    + (payload == Payload.MEDIUM ? "" : " " + payload.name().toLowerCase(java.util.Locale.ROOT))
                    + (threads == 1 ? "" : " " + threads + "t");
        }

        /** The name used in failure records ({@link PairedBenchmark#cell()}). */
        String failureName() {
            return engine.name() + " " + operation.name() + " " + against + " " + payload.name();
        }
    }

    /**
     * A cell's measurements: Satchel's and the other side's ops/s per iteration (pairs in the same
     * order), the ratio of each pair, and how many forks they came from.
     */
    public record Measured(Cell cell, List<Double> satchel, List<Double> other, List<Double> ratios, int forks) {
        public Stats.Median ratio() {
            return Stats.median(ratios);
        }

        public Stats.Median satchelOps() {
            return Stats.median(satchel);
        }

        public Stats.Median otherOps() {
            return Stats.median(other);
        }
    }

    private final Map<Cell, Measured> cells = new LinkedHashMap<>();

    private PairedResults() {}

    /** Reads the paired cells of {@code jmhJson}; other benchmarks in the file are ignored. */
    public static PairedResults read(Path jmhJson) throws IOException {
        PairedResults r = new PairedResults();
        if (!Files.exists(jmhJson)) {
            return r;
        }
        for (JsonNode n : JSON.readTree(jmhJson.toFile())) {
            if (!n.path("benchmark").asText().equals(PairedBenchmark.class.getName() + ".pair")) {
                continue;
            }
            JsonNode p = n.path("params");
            Cell cell = new Cell(
                    EngineType.valueOf(p.path("engine").asText()),
                    Operation.valueOf(p.path("operation").asText()),
                    p.path("against").asText(),
                    Payload.valueOf(p.path("payload").asText()),
                    n.path("threads").asInt(1));
            r.cells.put(cell, measured(cell, n));
        }
        return r;
    }

    static Measured measured(Cell cell, JsonNode result) {
        int warmups = result.path("warmupIterations").asInt();
        List<Double> satchel = new ArrayList<>();
        List<Double> other = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        JsonNode forks = result.path("primaryMetric").path("rawData");
        for (JsonNode fork : forks) {
            for (int m = 0; m + 1 < fork.size(); m += 2) {
                int i = warmups + m;
                if (Turns.satchel(i) == Turns.satchel(i + 1)) {
                    throw new IllegalStateException(
                            "iterations " + i + " and " + (i + 1) + " are not a pair: use an even number of warm-ups");
                }
                double a = fork.get(Turns.satchel(i) ? m : m + 1).asDouble();
                double b = fork.get(Turns.satchel(i) ? m + 1 : m).asDouble();
                satchel.add(a);
                other.add(b);
                ratios.add(a / b);
            }
        }
        return new Measured(cell, satchel, other, ratios, forks.size());
    }

    /** Every measured cell, in the order of the file. */
    public List<Measured> all() {
        return new ArrayList<>(cells.values());
    }

    public Optional<Measured> get(Cell cell) {
        return Optional.ofNullable(cells.get(cell));
    }

    public boolean isEmpty() {
        return cells.isEmpty();
    }
}
