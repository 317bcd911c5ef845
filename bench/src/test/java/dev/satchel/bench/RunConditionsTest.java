package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.TimeValue;

/** The sampler on this machine's real {@code /proc}, its interval arithmetic, and its JSON. */
class RunConditionsTest {
    @TempDir
    Path temp;

    @Test
    void sampler_overTwoSeconds_recordsSamplesWithFieldsInRange_andAMarkedInterval() throws Exception {
        assumeTrue(CpuTimes.available(), "no /proc/stat (not Linux)");
        RunConditions conditions = RunConditions.start();
        Thread.sleep(300);
        conditions.mark("spin");
        long until = System.nanoTime() + 1_500_000_000L;
        long spin = 0;
        while (System.nanoTime() < until) {
            spin++;
        }
        conditions.unmark("spin");
        Thread.sleep(500);
        RunConditions.Conditions c = conditions.stopAndWrite(temp.resolve("conditions.json"));
        assertTrue(spin > 0);

        assertTrue(c.sampled());
        assertTrue(c.samples().size() >= 1, "samples: " + c.samples());
        for (RunConditions.Sample s : c.samples()) {
            assertInRange(s.stealPercent(), s);
            assertInRange(s.busyPercent(), s);
            assertInRange(s.iowaitPercent(), s);
            assertTrue(s.busyPercent() + s.stealPercent() + s.iowaitPercent() <= 100.0 + 1e-9, s.toString());
            assertTrue(s.load1() != null && s.load1() >= 0, s.toString());
            assertTrue(s.runnable() != null && s.runnable() >= 1, s.toString());
            assertTrue(s.windowMillis() >= 500 && s.windowMillis() <= 2000, s.toString());
            assertTrue(s.atMillis() <= c.millis(), s.toString());
        }
        RunConditions.Summary sum = c.summary();
        assertEquals(c.samples().size(), sum.samples());
        assertInRange(sum.stealPercent(), sum);
        assertInRange(sum.busyPercent(), sum);
        assertTrue(sum.maxSecondStealPercent() >= 0 && sum.maxSecondStealPercent() <= 100, sum.toString());
        assertTrue(sum.secondsAboveHighSteal() >= 0 && sum.secondsAboveHighSteal() <= sum.samples());
        assertTrue(sum.meanLoad1() <= sum.maxLoad1(), sum.toString());

        assertEquals(1, c.intervals().size());
        RunConditions.Interval spun = c.intervals().get(0);
        assertEquals("spin", spun.name());
        assertTrue(spun.endMillis() - spun.startMillis() >= 1400, spun.toString());
        // 1.5 s on one of the CPUs: busy ticks at least a good part of 150.
        assertTrue(spun.busyTicks() >= 50, spun.toString());
        RunConditions.Cell cell = c.cells().get(0);
        assertEquals("spin", cell.name());
        assertInRange(cell.stealPercent(), cell);
        assertTrue(cell.busyPercent() >= 25, "one of " + c.cores() + " CPUs spun: " + cell);
        assertNotNull(cell.maxSecondStealPercent(), "a sampled second overlapped the 1.5 s interval");

        assertEquals(c, RunConditions.Conditions.read(temp.resolve("conditions.json")));
    }

    private static void assertInRange(Double v, Object where) {
        assertTrue(v != null && v >= 0 && v <= 100, "out of range: " + where);
    }

    @Test
    void withoutProcFiles_nothingIsSampled_andTheFileSaysSo() throws Exception {
        RunConditions conditions = RunConditions.start(temp.resolve("no-stat"), temp.resolve("no-loadavg"), 50);
        conditions.mark("cell");
        Thread.sleep(120);
        conditions.unmark("cell");
        RunConditions.Conditions c = conditions.stopAndWrite(temp.resolve("conditions.json"));
        assertFalse(c.sampled());
        assertTrue(c.samples().isEmpty());
        assertNull(c.summary().stealPercent());
        assertTrue(c.source().contains("not sampled"), c.source());
        assertEquals(c, RunConditions.Conditions.read(temp.resolve("conditions.json")));
    }

    @Test
    void stop_closesOpenIntervals_andIgnoresLaterMarks() throws Exception {
        assumeTrue(CpuTimes.available(), "no /proc/stat (not Linux)");
        RunConditions conditions = RunConditions.start();
        conditions.mark("left open");
        RunConditions.Conditions c = conditions.stop();
        conditions.mark("after stop");
        conditions.unmark("after stop");
        assertEquals(
                List.of("left open"),
                c.intervals().stream().map(RunConditions.Interval::name).toList());
        assertEquals(c, conditions.stop());
    }

    @Test
    void cells_sumTheTicksOfEachName_andTakeTheWorstOverlappingSecond() {
        List<RunConditions.Interval> intervals = List.of(
                new RunConditions.Interval("a", 100, 300, 40, 4, 30),
                new RunConditions.Interval("b", 1200, 1400, 40, 0, 40),
                new RunConditions.Interval("a", 2100, 2300, 60, 16, 40));
        List<RunConditions.Sample> samples = List.of(
                new RunConditions.Sample(1000, 1000, 12.0, 50, 0, 1.0, 1),
                new RunConditions.Sample(2000, 1000, 30.0, 50, 0, 1.0, 1),
                new RunConditions.Sample(3000, 1000, 7.0, 50, 0, 1.0, 1));
        List<RunConditions.Cell> cells = RunConditions.cells(intervals, samples);
        assertEquals(2, cells.size());
        RunConditions.Cell a = cells.get(0);
        assertEquals("a", a.name());
        assertEquals(2, a.intervals());
        assertEquals(400, a.millis());
        assertEquals(20.0, a.stealPercent(), 1e-9); // (4 + 16) / (40 + 60)
        assertEquals(70.0, a.busyPercent(), 1e-9);
        // a overlaps the seconds ending at 1000 (12 %) and 3000 (7 %), not the one ending at 2000.
        assertEquals(12.0, a.maxSecondStealPercent());
        assertEquals(30.0, cells.get(1).maxSecondStealPercent());
        assertEquals(0.0, cells.get(1).stealPercent());
    }

    @Test
    void overlaps_isStrictAtTheEdges() {
        RunConditions.Sample second = new RunConditions.Sample(2000, 1000, 0, 0, 0, 0.0, 0);
        assertTrue(RunConditions.overlaps(second, new RunConditions.Interval("x", 1500, 1600, 0, 0, 0)));
        assertFalse(RunConditions.overlaps(second, new RunConditions.Interval("x", 2000, 2100, 0, 0, 0)));
        assertFalse(RunConditions.overlaps(second, new RunConditions.Interval("x", 900, 1000, 0, 0, 0)));
        assertTrue(RunConditions.overlaps(second, new RunConditions.Interval("x", 900, 3000, 0, 0, 0)));
    }

    @Test
    void cellMarks_markEveryMeasurementIterationOfAJmhCell_inAForkedJvm() throws Exception {
        assumeTrue(CpuTimes.available(), "no /proc/stat (not Linux)");
        RunConditions conditions = RunConditions.start();
        BenchMain.Plan plan = new BenchMain.Plan(
                "test",
                java.util.EnumSet.of(EngineType.CACHE_CAFFEINE),
                java.util.EnumSet.noneOf(PeerType.class),
                1,
                2,
                TimeValue.milliseconds(200),
                4,
                List.of(),
                false,
                0);
        BenchMain.Run run = new BenchMain.Run(
                CodecBenchmark.class,
                "codecLoad",
                java.util.Map.of("engine", List.of("CACHE_CAFFEINE"), "payload", List.of("SMALL")),
                1);
        new Runner(
                        BenchMain.options(plan, run)
                                .result(temp.resolve("jmh.json").toString())
                                .resultFormat(ResultFormatType.JSON)
                                .build(),
                        CellMarks.console(conditions))
                .run();
        RunConditions.Conditions c = conditions.stop();
        String name = "CodecBenchmark.codecLoad engine=CACHE_CAFFEINE payload=SMALL threads=1";
        assertEquals(
                List.of(name, name, name, name),
                c.intervals().stream().map(RunConditions.Interval::name).toList());
        for (RunConditions.Interval i : c.intervals()) {
            long ms = i.endMillis() - i.startMillis();
            // The host hears of an iteration's start and end over JMH's link from the fork: tens of ms late.
            assertTrue(ms >= 100 && ms < 2000, "a 200 ms iteration took " + ms + " ms: " + i);
        }
        assertEquals(1, c.cells().size());
        assertEquals(4, c.cells().get(0).intervals());
    }
}
