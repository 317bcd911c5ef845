package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;

/**
 * Samples what else the machine was doing while the benchmark ran: every second it reads {@code
 * /proc/stat} (steal, busy and I/O-wait shares of the CPUs) and {@code /proc/loadavg}, and it records
 * the intervals a caller {@linkplain #mark marks} (JMH measurement iterations through {@link
 * CellMarks}, whole phases through {@link #during}) with the exact CPU counters at their start and end.
 * {@link #stopAndWrite} writes it all to {@code conditions.json}, which {@link ConditionsSection}
 * turns into the report's paragraph on steal and load.
 *
 * <p>On a machine without {@code /proc/stat} nothing is sampled and the file says so.
 */
public final class RunConditions {
    /** A second whose steal exceeds this share (in percent) is counted as a high-steal second. */
    public static final double HIGH_STEAL_SECOND_PERCENT = 5.0;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One sampling period, ending {@code atMillis} after the start and lasting {@code windowMillis};
     * shares are of all CPU time in the window, load is the 1-minute average read at its end.
     */
    public record Sample(
            long atMillis,
            long windowMillis,
            double stealPercent,
            double busyPercent,
            double iowaitPercent,
            Double load1,
            Integer runnable) {}

    /**
     * A marked interval with the CPU ticks spent in it (all CPUs together): the exact counters at
     * {@link #mark} and {@link #unmark}, not the per-second samples.
     */
    public record Interval(String name, long startMillis, long endMillis, long ticks, long stealTicks, long busyTicks) {
        /** Stolen share of the interval, or {@code null} when no tick passed (shorter than a tick). */
        public Double stealPercent() {
            return ticks <= 0 ? null : 100.0 * stealTicks / ticks;
        }
    }

    /**
     * Every interval of one name taken together (a JMH cell's measurement iterations): its ticks summed,
     * and the highest steal of any sampled second that overlapped one of them.
     */
    public record Cell(
            String name,
            int intervals,
            long millis,
            Double stealPercent,
            Double busyPercent,
            Double maxSecondStealPercent) {}

    /** The whole run: steal and busy shares over all of it, and what the seconds looked like. */
    public record Summary(
            int samples,
            Double stealPercent,
            Double maxSecondStealPercent,
            int secondsAboveHighSteal,
            Double busyPercent,
            Double meanLoad1,
            Double maxLoad1) {}

    /** What {@code conditions.json} holds. */
    public record Conditions(
            boolean sampled,
            String source,
            int cores,
            long periodMillis,
            double highStealSecondPercent,
            String started,
            long millis,
            Summary summary,
            List<Cell> cells,
            List<Interval> intervals,
            List<Sample> samples) {

        /** Writes this as indented JSON. */
        public void write(Path file) throws IOException {
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
        }

        /** Reads a file written by {@link #write}. */
        public static Conditions read(Path file) throws IOException {
            return JSON.readValue(file.toFile(), Conditions.class);
        }
    }

    /** A step of the run whose interval is marked; it may fail with an I/O error. */
    @FunctionalInterface
    public interface Step {
        void run() throws IOException;
    }

    private record Open(long startNanos, CpuTimes counters) {}

    private final Path procStat;
    private final Path procLoadavg;
    private final long periodMillis;
    private final boolean sampled;
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    private final CpuTimes first;
    private final List<Sample> samples = new ArrayList<>();
    private final List<Interval> intervals = new ArrayList<>();
    private final Map<String, Open> open = new LinkedHashMap<>();
    private final ScheduledExecutorService timer;
    private CpuTimes previous;
    private long previousNanos;
    private Conditions stopped;

    private RunConditions(Path procStat, Path procLoadavg, long periodMillis) {
        this.procStat = procStat;
        this.procLoadavg = procLoadavg;
        this.periodMillis = periodMillis;
        this.first = readCounters();
        this.sampled = first != null;
        this.previous = first;
        this.previousNanos = startNanos;
        if (sampled) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "run-conditions");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::sample, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** Starts sampling {@code /proc/stat} and {@code /proc/loadavg} once a second. */
    public static RunConditions start() {
        return new RunConditions(CpuTimes.PROC_STAT, LoadAverage.PROC_LOADAVG, 1000);
    }

    /** Starts sampling the given files every {@code periodMillis} (tests). */
    static RunConditions start(Path procStat, Path procLoadavg, long periodMillis) {
        return new RunConditions(procStat, procLoadavg, periodMillis);
    }

    /**
     * Opens an interval named {@code name} (a JMH cell, a phase of the run). Intervals of different
     * names may overlap; marking a name that is open closes the open one first.
     */
    public synchronized void mark(String name) {
        if (stopped != null) {
            return;
        }
        if (open.containsKey(name)) {
            unmark(name);
        }
        open.put(name, new Open(System.nanoTime(), readCounters()));
    }

    /** Closes the interval named {@code name}; nothing happens if none is open. */
    public synchronized void unmark(String name) {
        Open o = open.remove(name);
        if (o == null) {
            return;
        }
        CpuTimes now = readCounters();
        CpuTimes spent = o.counters() == null || now == null ? null : now.since(o.counters());
        intervals.add(new Interval(
                name,
                millis(o.startNanos()),
                millis(System.nanoTime()),
                spent == null ? 0 : spent.total(),
                spent == null ? 0 : spent.steal(),
                spent == null ? 0 : spent.busy()));
    }

    /** Runs {@code step} inside an interval named {@code name}. */
    public void during(String name, Step step) throws IOException {
        mark(name);
        try {
            step.run();
        } finally {
            unmark(name);
        }
    }

    /** Stops sampling, closes every open interval and returns what was recorded. */
    public Conditions stop() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (stopped == null) {
                new ArrayList<>(open.keySet()).forEach(this::unmark);
                stopped = conditions(readCounters());
            }
            return stopped;
        }
    }

    /** {@link #stop()}, then writes {@code conditions.json} to {@code file}. */
    public Conditions stopAndWrite(Path file) throws IOException {
        Conditions c = stop();
        c.write(file);
        return c;
    }

    private synchronized void sample() {
        if (stopped != null) {
            return;
        }
        CpuTimes now = readCounters();
        long nanos = System.nanoTime();
        if (now == null || previous == null) {
            previous = now;
            previousNanos = nanos;
            return;
        }
        CpuTimes spent = now.since(previous);
        LoadAverage load = readLoad();
        if (spent.total() > 0) {
            samples.add(new Sample(
                    millis(nanos),
                    (nanos - previousNanos) / 1_000_000L,
                    spent.stealPercent(),
                    spent.busyPercent(),
                    spent.iowaitPercent(),
                    load == null ? null : load.one(),
                    load == null ? null : load.runnable()));
        }
        previous = now;
        previousNanos = nanos;
    }

    private Conditions conditions(CpuTimes last) {
        long millis = millis(System.nanoTime());
        String source = procStat + ", " + procLoadavg;
        int cores = Runtime.getRuntime().availableProcessors();
        if (!sampled) {
            return new Conditions(
                    false,
                    source + " (not readable: not sampled)",
                    cores,
                    periodMillis,
                    HIGH_STEAL_SECOND_PERCENT,
                    started.toString(),
                    millis,
                    new Summary(0, null, null, 0, null, null, null),
                    List.of(),
                    List.copyOf(intervals),
                    List.of());
        }
        CpuTimes whole = last == null ? null : last.since(first);
        List<Sample> s = List.copyOf(samples);
        List<Double> loads =
                s.stream().map(Sample::load1).filter(java.util.Objects::nonNull).toList();
        Summary summary = new Summary(
                s.size(),
                whole == null || whole.total() <= 0 ? null : whole.stealPercent(),
                max(s.stream().mapToDouble(Sample::stealPercent)),
                (int) s.stream()
                        .filter(x -> x.stealPercent() > HIGH_STEAL_SECOND_PERCENT)
                        .count(),
                whole == null || whole.total() <= 0 ? null : whole.busyPercent(),
                loads.isEmpty()
                        ? null
                        : loads.stream().mapToDouble(Double::doubleValue).sum() / loads.size(),
                max(loads.stream().mapToDouble(Double::doubleValue)));
        return new Conditions(
                true,
                source,
                cores,
                periodMillis,
                HIGH_STEAL_SECOND_PERCENT,
                started.toString(),
                millis,
                summary,
                cells(intervals, s),
                List.copyOf(intervals),
                s);
    }

    /** The intervals grouped by name, in the order each name was first marked. */
    static List<Cell> cells(List<Interval> intervals, List<Sample> samples) {
        Map<String, List<Interval>> byName = new LinkedHashMap<>();
        for (Interval i : intervals) {
            byName.computeIfAbsent(i.name(), k -> new ArrayList<>()).add(i);
        }
        List<Cell> cells = new ArrayList<>();
        byName.forEach((name, list) -> {
            long ticks = list.stream().mapToLong(Interval::ticks).sum();
            long steal = list.stream().mapToLong(Interval::stealTicks).sum();
            long busy = list.stream().mapToLong(Interval::busyTicks).sum();
            long millis = list.stream()
                    .mapToLong(i -> i.endMillis() - i.startMillis())
                    .sum();
            Double maxSecond = max(samples.stream()
                    .filter(s -> list.stream().anyMatch(i -> overlaps(s, i)))
                    .mapToDouble(Sample::stealPercent));
            cells.add(new Cell(
                    name,
                    list.size(),
                    millis,
                    ticks <= 0 ? null : 100.0 * steal / ticks,
                    ticks <= 0 ? null : 100.0 * busy / ticks,
                    maxSecond));
        });
        return cells;
    }

    /** Whether the sample's window and the interval share any time. */
    static boolean overlaps(Sample s, Interval i) {
        long from = s.atMillis() - s.windowMillis();
        return from < i.endMillis() && s.atMillis() > i.startMillis();
    }

    private static Double max(DoubleStream values) {
        OptionalDouble m = values.max();
        return m.isPresent() ? m.getAsDouble() : null;
    }

    private long millis(long nanos) {
        return (nanos - startNanos) / 1_000_000L;
    }

    private CpuTimes readCounters() {
        try {
            return CpuTimes.read(procStat);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private LoadAverage readLoad() {
        try {
            return LoadAverage.read(procLoadavg);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
