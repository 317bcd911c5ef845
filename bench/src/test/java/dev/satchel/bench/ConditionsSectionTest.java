package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report section: its tables from real files, and its steal sentence from recorded figures. */
class ConditionsSectionTest {
    @TempDir
    Path temp;

    private static RunConditions.Conditions recorded(double runSteal, List<RunConditions.Cell> cells) {
        return new RunConditions.Conditions(
                true,
                "/proc/stat, /proc/loadavg",
                2,
                1000,
                RunConditions.HIGH_STEAL_SECOND_PERCENT,
                "2026-12-01T00:00:00Z",
                60_000,
                new RunConditions.Summary(60, runSteal, runSteal * 3, 0, 50.0, 1.5, 2.5),
                cells,
                List.of(),
                List.of());
    }

    private static RunConditions.Cell cell(String name, double steal) {
        return new RunConditions.Cell(name, 5, 1000, steal, 60.0, steal + 1);
    }

    @Test
    void noFiles_noSection() throws Exception {
        assertEquals("", ConditionsSection.markdown(temp));
    }

    @Test
    void verdict_lowSteal_saysSoWithTheWorstCell() {
        String v = ConditionsSection.verdict(recorded(0.4, List.of(cell("a", 0.2), cell("b", 1.3))));
        assertEquals(
                "Steal stayed low: 0.4 % over the run (flagged above 2 %), no cell above 10 %; the highest over a"
                        + " cell's measured time was 1.3 % (`b`).",
                v);
    }

    @Test
    void verdict_meanAboveTwoPercent_flagsTheRun() {
        String v = ConditionsSection.verdict(recorded(2.5, List.of(cell("a", 3.0))));
        assertTrue(v.startsWith("**Steal flag:** the hypervisor took 2.5 % of the CPU time"), v);
        assertFalse(v.contains("cell"), v);
    }

    @Test
    void verdict_cellAboveTenPercent_isNamed_evenWhenTheRunIsLow() {
        String v = ConditionsSection.verdict(recorded(
                1.0,
                List.of(
                        cell("PairedBenchmark.pair engine=FILE operation=LOAD", 12.5),
                        cell("b", 10.0),
                        cell("c", 30.0))));
        assertTrue(
                v.startsWith("**Steal flag:** 2 cells ran with steal above 10 % over their measured time: `c` (30.0 %),"
                        + " `PairedBenchmark.pair engine=FILE operation=LOAD` (12.5 %)"),
                v);
        assertFalse(v.contains("hypervisor took"), v);
    }

    @Test
    void section_fromTheFilesARunWrites() throws Exception {
        Set<EngineType> engines = EnumSet.copyOf(EngineType.EMBEDDED);
        for (EngineType t : EngineType.values()) {
            if (t.available()) {
                engines.add(t);
            }
        }
        RunConditions conditions = RunConditions.start();
        Durability.describe(engines).write(temp.resolve("durability.json"));
        BenchMain.Plan plan = BenchMain.Plan.quick(engines, EnumSet.noneOf(PeerType.class));
        JvmFlags flags = JvmFlags.describe(
                BenchMain.options(plan, new BenchMain.Run(PairedBenchmark.class, "pair", java.util.Map.of(), 1))
                        .build());
        flags.write(temp.resolve("jvm.json"));
        conditions.mark("phase: nothing");
        Thread.sleep(1200);
        conditions.unmark("phase: nothing");
        conditions.stopAndWrite(temp.resolve("conditions.json"));
        // What JMH records per cell: the forks' arguments.
        String args = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(flags.forkJvmArgs());
        Files.writeString(temp.resolve("jmh-result.json"), "[{\"forks\":1,\"jvmArgs\":" + args + "}]");

        String md = ConditionsSection.markdown(temp);
        System.out.println(md);
        assertTrue(md.startsWith("## Run conditions\n"), md);
        assertTrue(md.contains("| SQLite | db (SQLite) | engine journal_mode = `wal`"), md);
        assertTrue(md.contains("| file | file | save = `temporary file written, FileChannel.force(true)"), md);
        assertTrue(md.contains("| JMH forks (every JMH cell) | `"), md);
        assertTrue(md.contains("-Xms1g -Xmx1g -Djava.awt.headless=true` | "), md);
        assertTrue(md.contains("records one set of fork arguments across its cells, the ones above."), md);
        if (CpuTimes.available()) {
            assertTrue(md.contains("| Steal, whole run | "), md);
            assertTrue(md.contains("| phase: nothing | 1.2 s | "), md);
        }
        if (engines.contains(EngineType.DB_POSTGRES)) {
            assertTrue(md.contains("| PostgreSQL | db (PostgreSQL), cached_db (PostgreSQL + Redis) | fsync = `"), md);
        }
        if (engines.contains(EngineType.CACHE_REDIS)) {
            assertTrue(md.contains("| Redis | "), md);
        }
    }
}
