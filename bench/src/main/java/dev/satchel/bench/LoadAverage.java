package dev.satchel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One reading of {@code /proc/loadavg}: the run-queue length averaged over 1, 5 and 15 minutes, and
 * the scheduling entities runnable at that instant out of all that exist. A load above the core count
 * means something waited for a CPU (another process, or the benchmark's own threads).
 */
public record LoadAverage(double one, double five, double fifteen, int runnable, int entities) {

    /** The file the averages come from on Linux. */
    public static final Path PROC_LOADAVG = Path.of("/proc/loadavg");

    /**
     * Parses {@code "0.76 0.55 0.24 2/156 8501"} (the last field, the newest process id, is ignored).
     *
     * @throws IllegalArgumentException if the text does not have that shape
     */
    public static LoadAverage parse(String text) {
        String[] f = text.trim().split("\\s+");
        if (f.length < 4 || f[3].indexOf('/') < 0) {
            throw new IllegalArgumentException("not a /proc/loadavg line: \"" + text + "\"");
        }
        try {
            String[] queue = f[3].split("/");
            return new LoadAverage(
                    Double.parseDouble(f[0]),
                    Double.parseDouble(f[1]),
                    Double.parseDouble(f[2]),
                    Integer.parseInt(queue[0]),
                    Integer.parseInt(queue[1]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a /proc/loadavg line: \"" + text + "\"", e);
        }
    }

    /** Reads the averages now. */
    public static LoadAverage read(Path procLoadavg) throws IOException {
        return parse(Files.readString(procLoadavg));
    }
}
