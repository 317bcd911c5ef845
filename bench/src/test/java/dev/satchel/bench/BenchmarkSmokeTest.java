package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * CI's smoke run: every benchmark method once for every embedded engine, in this JVM and with one
 * short iteration, then the report from those results. It checks that results come back and the
 * report is written, never how fast anything is.
 */
class BenchmarkSmokeTest {
    private static final Set<EngineType> EMBEDDED = EnumSet.copyOf(EngineType.EMBEDDED);

    @TempDir
    Path temp;

    Path dir;

    @Test
    void everyBenchmarkRunsForEveryEmbeddedEngineAndTheReportIsWritten() throws Exception {
        // -Dsatchel.bench.smoke-dir=... keeps the smoke report for inspection.
        String keep = System.getProperty("satchel.bench.smoke-dir", "");
        dir = keep.isBlank() ? temp : Files.createDirectories(Path.of(keep));
        // Every operation of every embedded engine against its floor, and the in-memory peer; two
        // JVM-less "forks" of two pairs each: enough to check the pairing and the report, not speed.
        Set<PeerType> peers = EnumSet.of(PeerType.SPRING_MAP);
        List<PairedPlan.Group> groups = List.of(
                new PairedPlan.Group(List.copyOf(EMBEDDED), List.of(Operation.values()), "FLOOR", Payload.MEDIUM, 1));
        BenchMain.Plan plan =
                new BenchMain.Plan("smoke", EMBEDDED, peers, 0, 2, TimeValue.milliseconds(30), 4, groups, false, 2_000);
        BenchMain.runPaired(plan, dir);
        PairedResults paired = PairedResults.read(dir.resolve("jmh-result.json"));
        assertEquals(plan.cells().size(), paired.all().size(), "cells that produced results");
        for (PairedResults.Measured m : paired.all()) {
            assertEquals(2, m.ratios().size(), "pairs of " + m.cell());
            for (int i = 0; i < m.ratios().size(); i++) {
                assertTrue(m.satchel().get(i) > 0 && m.other().get(i) > 0, m.toString());
                assertEquals(m.satchel().get(i) / m.other().get(i), m.ratios().get(i), 1e-9);
            }
        }

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
        Machine.describe(EMBEDDED).write(dir.resolve("machine.json"));

        DjangoReference.measure(plan, dir.resolve("django.json"));
        boolean django = Files.exists(dir.resolve("django.json"));
        if ("true".equals(System.getenv("CI"))) {
            // scripts/test-deps installs python3-django, so CI always runs the reference script.
            assertTrue(django, "the Django reference did not run");
        }

        Files.writeString(
                dir.resolve("run.json"),
                "{\"mode\":\"smoke\",\"seconds\":0,\"forks\":0,\"warmups\":2,\"measurements\":4,"
                        + "\"iterationMillis\":30}");
        Report.write(dir);
        String readme = Files.readString(dir.resolve("README.md"));
        if (django) {
            assertTrue(readme.contains("| signed_cookies | signed_cookies | cycle |"), readme);
            assertTrue(readme.contains("| db (SQLite) | db on SQLite (WAL) | load |"), readme);
        }
        assertTrue(readme.contains("## Headline: the request cycle against the floor"), readme);
        assertTrue(readme.contains("## Every operation against the floor"), readme);
        assertTrue(readme.contains("| `db_sqlite cycle` |"), readme);
        assertTrue(readme.contains("## Scale"), readme);
        for (String png :
                List.of("ratio-cycle.png", "ratio-operations.png", "expiry-sweep.png", "expiry-latency.png")) {
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
