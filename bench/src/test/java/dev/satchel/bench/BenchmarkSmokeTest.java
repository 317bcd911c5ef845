package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI's smoke run: every benchmark method once for every embedded engine, in this JVM and with one
 * short iteration, then the report from those results. It checks that results come back and the
 * report is written, never how fast anything is.
 */
class BenchmarkSmokeTest {
    private static final Set<EngineType> EMBEDDED = EnumSet.copyOf(EngineType.EMBEDDED);
    private static final List<String> METHODS = List.of(
            "load",
            "save",
            "create",
            "cycle",
            "floorLoad",
            "floorSave",
            "floorCreate",
            "floorCycle",
            "codecLoad",
            "codecSave");

    @TempDir
    Path temp;

    Path dir;

    @Test
    void everyBenchmarkRunsForEveryEmbeddedEngineAndTheReportIsWritten() throws Exception {
        // -Dsatchel.bench.smoke-dir=... keeps the smoke report for inspection.
        String keep = System.getProperty("satchel.bench.smoke-dir", "");
        dir = keep.isBlank() ? temp : Files.createDirectories(Path.of(keep));
        BenchMain.Plan plan = new BenchMain.Plan(
                "smoke", EMBEDDED, 0, 0, TimeValue.milliseconds(1), 1, TimeValue.milliseconds(100), false, 2_000);
        BenchMain.Run run = BenchMain.Run.engines(String.join("|", METHODS), EMBEDDED, List.of(Payload.MEDIUM), 1);
        Path json = dir.resolve("jmh-result.json");
        Collection<RunResult> results = new Runner(BenchMain.options(plan, run)
                        .result(json.toString())
                        .resultFormat(ResultFormatType.JSON)
                        .build())
                .run();

        // The in-memory peer (Spring Session on a map) needs no server either.
        BenchMain.Run peers = BenchMain.Run.peers("load|save|create|cycle", EnumSet.of(PeerType.SPRING_MAP), 1);
        Path peerJson = dir.resolve("peers.json");
        Collection<RunResult> peerResults = new Runner(BenchMain.options(plan, peers)
                        .result(peerJson.toString())
                        .resultFormat(ResultFormatType.JSON)
                        .build())
                .run();
        assertEquals(4, peerResults.size());
        BenchMain.merge(List.of(json, peerJson), json);

        Set<String> seen = new HashSet<>();
        for (RunResult r : results) {
            seen.add(r.getParams().getBenchmark().replaceAll(".*\\.", "") + "/"
                    + r.getParams().getParam("engine"));
            assertTrue(r.getPrimaryResult().getSampleCount() > 0, "no samples: " + r.getParams());
        }
        assertEquals(METHODS.size() * EMBEDDED.size(), seen.size(), "benchmarks that produced results: " + seen);

        Expiry.Result sqlite = Expiry.measure(EngineType.DB_SQLITE, 2_000, Duration.ofMillis(200));
        Expiry.Result file = Expiry.measure(EngineType.FILE, 2_000, Duration.ofMillis(200));
        assertEquals(1_000, sqlite.removed());
        assertEquals(1_000, file.removed());
        new ObjectMapper().writeValue(dir.resolve("expiry.json").toFile(), List.of(sqlite, file));
        new ObjectMapper()
                .writeValue(
                        dir.resolve("scale.json").toFile(),
                        List.of(Expiry.scale(EngineType.DB_SQLITE, 1_000, Duration.ofMillis(100))));
        RoundTrips.measure(EnumSet.of(EngineType.DB_SQLITE), dir.resolve("roundtrips.json"));
        Files.writeString(dir.resolve("run.json"), "{\"mode\":\"smoke\",\"seconds\":0}");
        Machine.describe(EMBEDDED).write(dir.resolve("machine.json"));

        DjangoReference.measure(plan, dir.resolve("django.json"));
        boolean django = Files.exists(dir.resolve("django.json"));
        if ("true".equals(System.getenv("CI"))) {
            // scripts/test-deps installs python3-django, so CI always runs the reference script.
            assertTrue(django, "the Django reference did not run");
        }

        Report.write(dir);
        String readme = Files.readString(dir.resolve("README.md"));
        if (django) {
            assertTrue(readme.contains("| signed_cookies | signed_cookies | cycle |"), readme);
            assertTrue(readme.contains("| db (SQLite) | db on SQLite (WAL) | load |"), readme);
        }
        assertTrue(readme.contains("## Every operation"), readme);
        assertTrue(readme.contains("## Scale"), readme);
        for (String png :
                List.of("cycle-vs-floor.png", "ratio-to-floor.png", "expiry-sweep.png", "expiry-latency.png")) {
            assertTrue(Files.size(dir.resolve(png)) > 1000, png);
        }
        JsonNode trips =
                new ObjectMapper().readTree(dir.resolve("roundtrips.json").toFile());
        assertFalse(trips.isEmpty());
    }

    @Test
    void parallelRequestsRunOnTheEmbeddedStoresAndTheirReportIsWritten() throws Exception {
        Path out = temp.resolve("parallel");
        Files.createDirectories(out);
        Set<EngineType> stores = EnumSet.of(EngineType.CACHE_CAFFEINE, EngineType.DB_SQLITE, EngineType.FILE);
        ParallelRequests.measure(
                stores, new ParallelRequests.Plan(List.of(2), 1, Duration.ofMillis(150)), out.resolve("parallel.json"));
        ConditionalSaveCost.measure(
                stores, new ConditionalSaveCost.Plan(0, 2, Duration.ofMillis(30)), out.resolve("save-cost.json"));
        RoundTrips.measureSaves(EnumSet.of(EngineType.DB_SQLITE), out.resolve("save-roundtrips.json"));
        Files.writeString(out.resolve("run.json"), "{\"mode\":\"parallel\",\"seconds\":0}");
        Machine.describe(stores).write(out.resolve("machine.json"));

        ObjectMapper json = new ObjectMapper();
        JsonNode cells = json.readTree(out.resolve("parallel.json").toFile());
        // Three policies on each of the three stores, plus Spring Session's map repository beside Caffeine.
        assertEquals(10, cells.size(), cells.toString());
        for (JsonNode c : cells) {
            assertTrue(c.path("requests").asLong() > 0, c.toString());
            assertEquals(0, c.path("errors").asLong(), c.toString());
            if (c.path("policy").asText().equals("merge")) {
                // Correctness, not speed: a merging save never loses an acknowledged value.
                assertEquals(0, c.path("lost").asLong(), c.toString());
            }
        }
        JsonNode cost = json.readTree(out.resolve("save-cost.json").toFile());
        assertEquals(3, cost.size(), cost.toString());
        for (JsonNode r : cost) {
            assertTrue(r.path("error").isNull(), r.toString());
            assertEquals(2, r.path("pairs").asInt(), r.toString());
            assertTrue(r.path("ratio").asDouble() > 0, r.toString());
        }
        JsonNode trips = json.readTree(out.resolve("save-roundtrips.json").toFile());
        assertEquals(RoundTrips.SAVE_OPERATIONS.size(), trips.size(), trips.toString());
        assertEquals(1.0, trips.get(0).path("statements").asDouble(), trips.toString());

        Report.write(out);
        String readme = Files.readString(out.resolve("README.md"));
        assertTrue(readme.contains("## Concurrent requests"), readme);
        assertTrue(readme.contains("| cache (Caffeine) | " + PeerType.SPRING_MAP.label() + " | – | 2 |"), readme);
        assertTrue(readme.contains("| db (SQLite) | conditional save (merge, after a load) | – | 1.00 |"), readme);
    }
}
