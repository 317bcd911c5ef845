package dev.satchel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine-wide CPU time counters of the {@code cpu} line of {@code /proc/stat}, in clock ticks
 * (USER_HZ, normally 1/100 s) summed over every CPU since boot. Two readings subtracted give how a
 * span of time was spent, in particular its <em>steal</em>: time the hypervisor gave this virtual
 * machine's CPUs to someone else, which slows a benchmark without showing up anywhere else.
 *
 * <p>{@code guest} and {@code guest_nice} are left out of {@link #total()}: the kernel already counts
 * them in {@code user} and {@code nice}.
 */
public record CpuTimes(long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal) {

    /** The file the counters come from on Linux. */
    public static final Path PROC_STAT = Path.of("/proc/stat");

    /**
     * Parses the aggregate line ({@code cpu  user nice system idle iowait irq softirq steal guest
     * guest_nice}). Kernels older than 2.6.11 print fewer fields; the missing ones read as 0.
     *
     * @throws IllegalArgumentException if the line is not the aggregate {@code cpu} line
     */
    public static CpuTimes parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 5 || !f[0].equals("cpu")) {
            throw new IllegalArgumentException("not the aggregate cpu line of /proc/stat: \"" + line + "\"");
        }
        long[] v = new long[8];
        for (int i = 0; i < v.length && i + 1 < f.length; i++) {
            try {
                v[i] = Long.parseLong(f[i + 1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("field " + (i + 1) + " is not a counter: \"" + line + "\"", e);
            }
        }
        return new CpuTimes(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    /** Finds and parses the aggregate {@code cpu} line among the lines of a {@code /proc/stat}. */
    public static CpuTimes parse(List<String> procStat) {
        for (String line : procStat) {
            if (line.startsWith("cpu ")) {
                return parse(line);
            }
        }
        throw new IllegalArgumentException("no aggregate cpu line among " + procStat.size() + " lines");
    }

    /** Reads the counters now. */
    public static CpuTimes read(Path procStat) throws IOException {
        try (var lines = Files.lines(procStat)) {
            return parse(lines.filter(l -> l.startsWith("cpu ")).findFirst().orElse(""));
        }
    }

    /** Whether this machine has the file (Linux). */
    public static boolean available() {
        return Files.isReadable(PROC_STAT);
    }

    /** The ticks spent between {@code earlier} and this reading. */
    public CpuTimes since(CpuTimes earlier) {
        return new CpuTimes(
                user - earlier.user,
                nice - earlier.nice,
                system - earlier.system,
                idle - earlier.idle,
                iowait - earlier.iowait,
                irq - earlier.irq,
                softirq - earlier.softirq,
                steal - earlier.steal);
    }

    /** Every tick counted once. */
    public long total() {
        return user + nice + system + idle + iowait + irq + softirq + steal;
    }

    /** Ticks the CPUs ran something: neither idle, waiting for I/O nor stolen. */
    public long busy() {
        return user + nice + system + irq + softirq;
    }

    /** Stolen ticks as a percentage of all ticks ({@code NaN} when no tick passed). */
    public double stealPercent() {
        return percent(steal);
    }

    /** Busy ticks as a percentage of all ticks ({@code NaN} when no tick passed). */
    public double busyPercent() {
        return percent(busy());
    }

    /** Ticks idle while some I/O was outstanding, as a percentage of all ticks. */
    public double iowaitPercent() {
        return percent(iowait);
    }

    private double percent(long ticks) {
        long t = total();
        return t <= 0 ? Double.NaN : 100.0 * ticks / t;
    }
}
