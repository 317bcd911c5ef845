package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Parsing {@code /proc/loadavg}: a line captured on the benchmark machine and this machine's file. */
class LoadAverageTest {

    @Test
    void parse_capturedLine() throws Exception {
        LoadAverage l = LoadAverage.parse(CpuTimesTest.resource("loadavg.txt").get(0));
        assertEquals(new LoadAverage(1.02, 0.65, 0.30, 3, 169), l);
    }

    @Test
    void parse_malformed_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> LoadAverage.parse("1.0 0.5"));
        assertThrows(IllegalArgumentException.class, () -> LoadAverage.parse("1.0 0.5 0.2 3 100"));
        assertThrows(IllegalArgumentException.class, () -> LoadAverage.parse("a b c 1/2 3"));
    }

    @Test
    void realFile_parsesWithValuesInRange() throws Exception {
        assumeTrue(Files.isReadable(LoadAverage.PROC_LOADAVG), "no /proc/loadavg (not Linux)");
        LoadAverage l = LoadAverage.read(LoadAverage.PROC_LOADAVG);
        assertTrue(l.one() >= 0 && l.five() >= 0 && l.fifteen() >= 0, l.toString());
        // The thread reading the file is itself runnable.
        assertTrue(l.runnable() >= 1 && l.runnable() <= l.entities(), l.toString());
    }
}
