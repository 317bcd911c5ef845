package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end comparison run very briefly (one pair of one-second runs, no warm-up) against the
 * real Redis and PostgreSQL: it checks that {@code e2e.json} has its fields, that every request was
 * answered 200 and that every user kept its session, never how fast anything is. Skipped when wrk or
 * a server is missing, except under {@code CI=true}, where scripts/services and scripts/test-deps
 * provide them.
 */
class EndToEndTest {
    private static final boolean CI = "true".equals(System.getenv("CI"));

    @TempDir
    Path dir;

    @Test
    void satchelAndSpringSessionServeTheSameAppAndKeepEverySession() throws Exception {
        boolean wrk = EndToEndLoad.find().isPresent();
        Set<EngineType> engines = EnumSet.noneOf(EngineType.class);
        for (EndToEndStore s : EndToEndStore.values()) {
            if (CI || s.available()) {
                engines.add(s.engine());
            }
        }
        if (CI) {
            assertTrue(wrk, "wrk is not installed although CI=true: scripts/test-deps installs it");
        } else {
            assumeTrue(wrk, "wrk is not installed (scripts/test-deps)");
            assumeTrue(!engines.isEmpty(), "neither Redis nor PostgreSQL answers (scripts/services)");
        }

        EndToEnd.measure(engines, dir, new EndToEnd.Plan(0, 1, 1, 4));

        JsonNode root = new ObjectMapper().readTree(dir.resolve(EndToEnd.FILE).toFile());
        JsonNode driver = root.path("driver");
        assertTrue(driver.path("version").asText().startsWith("wrk"), driver.toString());
        assertEquals(4, driver.path("connections").asInt(), driver.toString());
        assertEquals(engines.size(), root.path("stores").size(), root.toString());
        for (JsonNode s : root.path("stores")) {
            assertTrue(s.path("error").isNull(), s.toString());
            assertEquals(1, s.path("pairs").asInt(), s.toString());
            assertTrue(s.path("ratio").asDouble() > 0, s.toString());
            for (String side : new String[] {"satchel", "spring"}) {
                JsonNode n = s.path(side);
                assertEquals(1, n.path("runs").size(), side + ": " + n);
                JsonNode run = n.path("runs").get(0);
                assertTrue(run.path("requests").asLong() > 0, side + ": " + run);
                assertTrue(n.path("perSecond").asDouble() > 0, side + ": " + n);
                assertTrue(n.path("p50Micros").asDouble() > 0, side + ": " + n);
                assertTrue(
                        n.path("p999Micros").asDouble() >= n.path("p50Micros").asDouble(), side + ": " + n);
                assertEquals(0, n.path("statusErrors").asLong(), side + ": " + n);
                assertEquals(0, n.path("non200").asLong(), side + ": " + n);
                assertEquals(0, n.path("socketErrors").asLong(), side + ": " + n);
                // Sessions were kept: each of the 4 users got one cookie and every count it saw rose by one.
                assertEquals(4, run.path("users").asInt(), side + ": " + run);
                assertEquals(4, run.path("sessions").asLong(), side + ": " + run);
                assertEquals(0, run.path("visitsBad").asLong(), side + ": " + run);
                assertEquals(0, run.path("cartBad").asLong(), side + ": " + run);
                assertTrue(run.path("visitsOk").asLong() > 0, side + ": " + run);
                assertTrue(run.path("cartOk").asLong() > 0, side + ": " + run);
                assertTrue(run.path("maxVisits").asLong() > 1, side + ": " + run);
                assertTrue(n.path("sessionsKept").asBoolean(), side + ": " + n);
            }
        }

        String md = EndToEndReport.render(dir);
        assertTrue(md.contains("## End to end"), md);
        for (JsonNode s : root.path("stores")) {
            assertTrue(md.contains("| " + s.path("label").asText() + " | "), md);
        }
        assertTrue(md.contains("-t4 -c4"), md);
        assertTrue(!md.contains("**no**"), md);
        Files.writeString(dir.resolve("e2e.md"), md);
    }
}
