package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code --remeasure DIR ENGINE REASON}: measures again, with the run's own method (forks,
 * iterations; warm-ups as the run had or as many as a new run has, if more), every floor cell of one engine that run planned, replaces those cells in its {@code
 * jmh-result.json}, records which cells and why in {@code run.json} (the report lists them), and
 * rewrites the report. For a floor found unfair after a long run, without hiding that it was.
 */
final class Remeasure {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Remeasure() {}

    /**
     * The run's warm-up count, or today's default if that is longer: a re-measurement never warms up
     * less than a new run would (the report states the count used).
     */
    static int warmups(JsonNode run) {
        return Math.max(run.path("warmups").asInt(), BenchMain.Plan.WARMUPS);
    }

    static void run(Path dir, EngineType engine, String reason) throws IOException, RunnerException {
        JsonNode run = JSON.readTree(dir.resolve("run.json").toFile());
        Map<String, PairedPlan.Group> groups = new LinkedHashMap<>();
        Map<String, List<Operation>> operations = new LinkedHashMap<>();
        List<PairedResults.Cell> cells = new ArrayList<>();
        for (JsonNode c : JSON.readTree(dir.resolve("cells.json").toFile())) {
            if (!c.path("engine").asText().equals(engine.name())
                    || !c.path("against").asText().startsWith("FLOOR")) {
                continue;
            }
            PairedResults.Cell cell = new PairedResults.Cell(
                    engine,
                    Operation.valueOf(c.path("operation").asText()),
                    c.path("against").asText(),
                    Payload.valueOf(c.path("payload").asText()),
                    c.path("threads").asInt());
            cells.add(cell);
            String key = cell.against() + "/" + cell.payload() + "/" + cell.threads();
            operations.computeIfAbsent(key, k -> new ArrayList<>()).add(cell.operation());
            groups.put(
                    key,
                    new PairedPlan.Group(
                            List.of(engine), operations.get(key), cell.against(), cell.payload(), cell.threads()));
        }
        if (cells.isEmpty()) {
            throw new IllegalArgumentException("the run in " + dir + " planned no floor cell of " + engine);
        }
        Set<EngineType> engines = EnumSet.of(engine);
        BenchMain.Plan plan = new BenchMain.Plan(
                run.path("mode").asText(),
                engines,
                EnumSet.noneOf(PeerType.class),
                run.path("forks").asInt(),
                warmups(run),
                TimeValue.milliseconds(run.path("iterationMillis").asLong()),
                run.path("measurements").asInt(),
                new ArrayList<>(groups.values()),
                false,
                0);
        Path scratch = Files.createTempDirectory("satchel-remeasure-");
        BenchMain.runPaired(plan, scratch);
        ArrayNode fresh =
                (ArrayNode) JSON.readTree(scratch.resolve("jmh-result.json").toFile());
        ArrayNode merged = JSON.createArrayNode();
        for (JsonNode r : JSON.readTree(dir.resolve("jmh-result.json").toFile())) {
            JsonNode p = r.path("params");
            boolean replaced = r.path("benchmark").asText().endsWith("PairedBenchmark.pair")
                    && p.path("engine").asText().equals(engine.name())
                    && p.path("against").asText().startsWith("FLOOR");
            if (!replaced) {
                merged.add(r);
            }
        }
        merged.addAll(fresh);
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(dir.resolve("jmh-result.json").toFile(), merged);
        Path failures = scratch.resolve("failures.txt");
        if (Files.exists(failures)) {
            Files.writeString(
                    dir.resolve("failures.txt"),
                    Files.readString(failures),
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        ObjectNode updated = (ObjectNode) run;
        ArrayNode notes =
                updated.has("remeasured") ? (ArrayNode) updated.get("remeasured") : updated.putArray("remeasured");
        ObjectNode note = notes.addObject();
        note.put("engine", engine.name());
        note.put("cells", cells.size());
        note.put("reason", reason);
        note.put("warmups", warmups(run));
        note.put("at", Instant.now().toString());
        JSON.writeValue(dir.resolve("run.json").toFile(), updated);
        Report.write(dir);
        System.out.println("re-measured " + cells.size() + " cells of " + engine + "; report rewritten in " + dir);
    }
}
