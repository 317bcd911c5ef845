package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parsing the {@code cpu} line of {@code /proc/stat}: lines captured on the benchmark machine (test
 * resources), fresh snapshots of this machine's file, and a few hand-made lines for the arithmetic.
 */
class CpuTimesTest {

    static List<String> resource(String name) throws IOException {
        try (InputStream in = CpuTimesTest.class.getResourceAsStream("/proc/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void parse_capturedLine_readsEveryCounterInOrder() throws IOException {
        // Captured on the 2-core benchmark VM: cpu user nice system idle iowait irq softirq steal guest guest_nice.
        CpuTimes t = CpuTimes.parse(resource("stat-cpu-two-lines-1s-apart.txt").get(0));
        assertEquals(new CpuTimes(13902, 0, 4311, 50373, 938, 0, 94, 23), t);
        assertEquals(13902 + 4311 + 50373 + 938 + 94 + 23, t.total());
        assertEquals(13902 + 4311 + 94, t.busy());
    }

    @Test
    void since_twoCapturedLinesOneSecondApart_giveThatSecondsShares() throws IOException {
        List<String> lines = resource("stat-cpu-two-lines-1s-apart.txt");
        CpuTimes second = CpuTimes.parse(lines.get(1)).since(CpuTimes.parse(lines.get(0)));
        // 91 user + 15 system + 91 iowait ticks: two CPUs at 100 ticks a second, minus sampling skew.
        assertEquals(197, second.total());
        assertEquals(0.0, second.stealPercent());
        assertEquals(100.0 * 106 / 197, second.busyPercent(), 1e-9);
        assertEquals(100.0 * 91 / 197, second.iowaitPercent(), 1e-9);
    }

    @Test
    void parse_wholeCapturedFile_takesTheAggregateLineNotACpuOfItsOwn() throws IOException {
        List<String> file = resource("stat-full.txt");
        assertEquals(CpuTimes.parse(file.get(0)), CpuTimes.parse(file));
        assertEquals(14057, CpuTimes.parse(file).user());
    }

    @Test
    void stealPercent_isStolenTicksOverAllTicks_guestTimeNotCountedTwice() {
        CpuTimes t = CpuTimes.parse("cpu  100 0 50 800 0 0 0 50 40 0");
        // guest (40) is already inside user (100): total is 1000, not 1040.
        assertEquals(1000, t.total());
        assertEquals(5.0, t.stealPercent(), 1e-9);
        assertEquals(15.0, t.busyPercent(), 1e-9);
    }

    @Test
    void parse_oldKernelWithoutStealColumn_readsStealAsZero() {
        CpuTimes t = CpuTimes.parse("cpu 10 1 2 30");
        assertEquals(new CpuTimes(10, 1, 2, 30, 0, 0, 0, 0), t);
    }

    @Test
    void parse_otherLines_areRejectedWithTheLine() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CpuTimes.parse("cpu0 7370 0 1909 25187 590"));
        assertTrue(e.getMessage().contains("cpu0 7370"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuTimes.parse("intr 418503 0 0"));
        assertThrows(IllegalArgumentException.class, () -> CpuTimes.parse("cpu 1 2 x 4 5"));
        assertThrows(IllegalArgumentException.class, () -> CpuTimes.parse(List.of("intr 1", "ctxt 2")));
    }

    @Test
    void zeroTicks_giveNoShare() {
        CpuTimes none = new CpuTimes(0, 0, 0, 0, 0, 0, 0, 0);
        assertTrue(Double.isNaN(none.stealPercent()));
    }

    @Test
    void realSnapshots_countUpAndSplitIntoSharesThatAddUp() throws Exception {
        assumeTrue(CpuTimes.available(), "no /proc/stat (not Linux)");
        CpuTimes before = CpuTimes.read(CpuTimes.PROC_STAT);
        long until = System.nanoTime() + 300_000_000L;
        long spin = 0;
        while (System.nanoTime() < until) {
            spin++;
        }
        CpuTimes after = CpuTimes.read(CpuTimes.PROC_STAT);
        CpuTimes spent = after.since(before);
        assertTrue(spin > 0);
        for (long v : new long[] {
            spent.user(),
            spent.nice(),
            spent.system(),
            spent.idle(),
            spent.iowait(),
            spent.irq(),
            spent.softirq(),
            spent.steal()
        }) {
            assertTrue(v >= 0, "a counter went backwards: " + before + " -> " + after);
        }
        assertTrue(spent.total() > 0, "no tick in 300 ms: " + spent);
        // This thread spun for 300 ms: at least some busy ticks (USER_HZ is 100 on Linux).
        assertTrue(spent.busy() > 0, spent.toString());
        double idle = 100.0 * spent.idle() / spent.total();
        assertEquals(100.0, spent.busyPercent() + spent.stealPercent() + spent.iowaitPercent() + idle, 1e-9);
        assertTrue(spent.stealPercent() >= 0 && spent.stealPercent() <= 100, spent.toString());
    }

    @Test
    void realSnapshot_aggregateLineIsTheSumOfThePerCpuLines() throws IOException {
        assumeTrue(CpuTimes.available(), "no /proc/stat (not Linux)");
        List<String> file = Files.readAllLines(CpuTimes.PROC_STAT);
        CpuTimes aggregate = CpuTimes.parse(file);
        long sum = file.stream()
                .filter(l -> l.matches("cpu\\d+ .*"))
                .map(l -> CpuTimes.parse(l.replaceFirst("^cpu\\d+", "cpu")))
                .mapToLong(CpuTimes::total)
                .sum();
        // The kernel sums the same per-CPU counters while printing; allow a few ticks of drift per CPU.
        long cpus = file.stream().filter(l -> l.matches("cpu\\d+ .*")).count();
        assertTrue(cpus >= 1);
        assertEquals(aggregate.total(), sum, 10 * cpus, "aggregate " + aggregate + " vs per-cpu sum " + sum);
    }
}
