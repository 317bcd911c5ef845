package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The report's "Run conditions" section, from the files a run writes beside its results: {@code
 * durability.json} ({@link Durability}), {@code jvm.json} ({@link JvmFlags}), {@code conditions.json}
 * ({@link RunConditions}) and the forks' arguments JMH recorded in {@code jmh-result.json}. It says
 * how durable each store was, which JVM flags ran, and whether CPU steal could have moved the
 * numbers: it flags a run whose steal averaged above {@value #MEAN_STEAL_FLAG_PERCENT} % and every
 * cell whose measured time had more than {@value #CELL_STEAL_FLAG_PERCENT} %.
 */
public final class ConditionsSection {
    /** Above this mean steal over the whole run, the section flags the run. */
    public static final double MEAN_STEAL_FLAG_PERCENT = 2.0;
    /** Above this steal over a cell's measured time, the section names the cell. */
    public static final double CELL_STEAL_FLAG_PERCENT = 10.0;

    private static final int CELLS_LISTED = 10;

    private ConditionsSection() {}

    /** The section as markdown, or an empty string when the run wrote none of the files. */
    public static String markdown(Path dir) throws IOException {
        Path durability = dir.resolve("durability.json");
        Path jvm = dir.resolve("jvm.json");
        Path conditions = dir.resolve("conditions.json");
        if (!Files.exists(durability) && !Files.exists(jvm) && !Files.exists(conditions)) {
            return "";
        }
        StringBuilder md = new StringBuilder("## Run conditions\n\n");
        md.append("What else could have moved the figures: how durable each store was, the JVM flags, and CPU ")
                .append(
                        "steal and load while the run ran (from `durability.json`, `jvm.json`, `conditions.json`).\n\n");
        if (Files.exists(durability)) {
            durability(md, Durability.Settings.read(durability));
        }
        if (Files.exists(jvm)) {
            jvm(md, JvmFlags.read(jvm), observedForkArgs(dir.resolve("jmh-result.json")));
        }
        if (Files.exists(conditions)) {
            steal(md, RunConditions.Conditions.read(conditions));
        }
        return md.toString();
    }

    private static void durability(StringBuilder md, Durability.Settings stores) {
        md.append("### Durability of the stores\n\n");
        md.append("Read from the servers (PostgreSQL `pg_settings`, MariaDB `SHOW GLOBAL VARIABLES`, Redis ")
                .append("`CONFIG GET`), from a SQLite connection opened by the db engine and by its floor, and ")
                .append("from what the file engine's code forces to disk.\n\n");
        md.append("| Store | Used by | Settings | What a returned save has survived |\n|---|---|---|---|\n");
        for (Durability.Store s : stores.stores()) {
            md.append("| ")
                    .append(s.store())
                    .append(" | ")
                    .append(String.join(", ", s.engines()))
                    .append(" | ")
                    .append(settings(s.settings()))
                    .append(" | ")
                    .append(cell(s.verdict()))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static String settings(Map<String, String> s) {
        if (s.isEmpty()) {
            return "–";
        }
        return s.entrySet().stream()
                .map(e -> e.getKey() + " = `" + (e.getValue().isEmpty() ? "\"\"" : cell(e.getValue())) + "`")
                .collect(Collectors.joining("<br>"));
    }

    private static void jvm(StringBuilder md, JvmFlags f, Set<List<String>> observed) {
        md.append("### JVM flags\n\n| JVM | Arguments | Collector | Max heap |\n|---|---|---|---|\n");
        if (!f.forkJvmArgs().isEmpty() || f.forkCollector() != null) {
            md.append("| JMH forks (every JMH cell) | ")
                    .append(args(f.forkJvmArgs()))
                    .append(" | ")
                    .append(f.forkCollector() == null ? "?" : f.forkCollector())
                    .append(" | ")
                    .append(f.forkMaxHeapMiB() == null ? "?" : f.forkMaxHeapMiB() + " MiB")
                    .append(" |\n");
        }
        md.append("| benchmark host (JMH itself; round trips, expiry, parallel requests) | ")
                .append(args(f.hostInputArguments()))
                .append(" | ")
                .append(String.join(", ", f.hostCollectors()))
                .append(" | ")
                .append(f.hostMaxHeapMiB())
                .append(" MiB |\n\n");
        md.append("Java: `").append(f.javaHome()).append("`. The forks' collector and heap: ");
        md.append(cell(f.forkFlagsSource())).append(".");
        if (!observed.isEmpty()) {
            boolean same = observed.size() == 1 && observed.contains(f.forkJvmArgs());
            md.append(" `jmh-result.json` records ")
                    .append(observed.size() == 1 ? "one set" : observed.size() + " different sets")
                    .append(" of fork arguments across its cells")
                    .append(
                            same
                                    ? ", the ones above."
                                    : ": "
                                            + observed.stream()
                                                    .map(ConditionsSection::args)
                                                    .collect(Collectors.joining("; "))
                                            + ".");
        }
        md.append("\n\n");
    }

    private static void steal(StringBuilder md, RunConditions.Conditions c) {
        md.append("### CPU steal and load\n\n");
        if (!c.sampled()) {
            md.append("Not sampled: ").append(c.source()).append(".\n\n");
            return;
        }
        RunConditions.Summary s = c.summary();
        md.append(String.format(
                Locale.ROOT,
                "Sampled every %d ms from %s over %d s (%d sample%s), %d cores. Steal is CPU time the "
                        + "hypervisor gave to other guests; busy and load include the benchmark's own work.\n\n",
                c.periodMillis(),
                c.source(),
                c.millis() / 1000,
                s.samples(),
                s.samples() == 1 ? "" : "s",
                c.cores()));
        md.append("| | |\n|---|---|\n");
        md.append("| Steal, whole run | ").append(pct(s.stealPercent())).append(" |\n");
        md.append("| Steal, worst second | ")
                .append(pct(s.maxSecondStealPercent()))
                .append(" |\n");
        md.append(String.format(
                Locale.ROOT,
                "| Seconds with steal > %s %% | %d of %d |\n",
                fmt(c.highStealSecondPercent()),
                s.secondsAboveHighSteal(),
                s.samples()));
        md.append("| CPU busy, whole run | ").append(pct(s.busyPercent())).append(" |\n");
        md.append("| Load average (1 min), mean / max | ")
                .append(num(s.meanLoad1()))
                .append(" / ")
                .append(num(s.maxLoad1()))
                .append(" (")
                .append(c.cores())
                .append(" cores) |\n\n");
        md.append(verdict(c)).append("\n\n");
        List<RunConditions.Cell> worst = c.cells().stream()
                .filter(x -> x.stealPercent() != null)
                .sorted(Comparator.comparingDouble((RunConditions.Cell x) -> x.stealPercent())
                        .reversed())
                .limit(5)
                .toList();
        if (!worst.isEmpty()) {
            md.append("Highest steal over a cell's measured time (JMH measurement iterations; phases as a whole):\n\n")
                    .append("| Cell | Measured | Steal | Worst second | Busy |\n|---|---|---|---|---|\n");
            for (RunConditions.Cell x : worst) {
                md.append("| ")
                        .append(cell(x.name()))
                        .append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f s", x.millis() / 1000.0))
                        .append(" | ")
                        .append(pct(x.stealPercent()))
                        .append(" | ")
                        .append(pct(x.maxSecondStealPercent()))
                        .append(" | ")
                        .append(pct(x.busyPercent()))
                        .append(" |\n");
            }
            md.append('\n');
        }
    }

    /** The sentence that flags high steal, or says it stayed low, from the recorded figures only. */
    static String verdict(RunConditions.Conditions c) {
        RunConditions.Summary s = c.summary();
        List<RunConditions.Cell> high = c.cells().stream()
                .filter(x -> x.stealPercent() != null && x.stealPercent() > CELL_STEAL_FLAG_PERCENT)
                .sorted(Comparator.comparingDouble((RunConditions.Cell x) -> x.stealPercent())
                        .reversed())
                .toList();
        boolean meanHigh = s.stealPercent() != null && s.stealPercent() > MEAN_STEAL_FLAG_PERCENT;
        List<String> parts = new ArrayList<>();
        if (meanHigh) {
            parts.add(String.format(
                    Locale.ROOT,
                    "**Steal flag:** the hypervisor took %s of the CPU time over the run (above %s %%), so "
                            + "every figure may be slowed by it.",
                    pct(s.stealPercent()),
                    fmt(MEAN_STEAL_FLAG_PERCENT)));
        }
        if (!high.isEmpty()) {
            String listed = high.stream()
                    .limit(CELLS_LISTED)
                    .map(x -> "`" + x.name() + "` (" + pct(x.stealPercent()) + ")")
                    .collect(Collectors.joining(", "));
            parts.add(String.format(
                    Locale.ROOT,
                    "**Steal flag:** %d cell%s ran with steal above %s %% over %s measured time: %s%s; treat %s "
                            + "figures with suspicion.",
                    high.size(),
                    high.size() == 1 ? "" : "s",
                    fmt(CELL_STEAL_FLAG_PERCENT),
                    high.size() == 1 ? "its" : "their",
                    listed,
                    high.size() > CELLS_LISTED ? " and " + (high.size() - CELLS_LISTED) + " more" : "",
                    high.size() == 1 ? "its" : "their"));
        }
        if (parts.isEmpty()) {
            String worst = c.cells().stream()
                    .filter(x -> x.stealPercent() != null)
                    .max(Comparator.comparingDouble(RunConditions.Cell::stealPercent))
                    .map(x -> "; the highest over a cell's measured time was " + pct(x.stealPercent()) + " (`"
                            + x.name() + "`)")
                    .orElse("");
            parts.add(String.format(
                    Locale.ROOT,
                    "Steal stayed low: %s over the run (flagged above %s %%), no cell above %s %%%s.",
                    pct(s.stealPercent()),
                    fmt(MEAN_STEAL_FLAG_PERCENT),
                    fmt(CELL_STEAL_FLAG_PERCENT),
                    worst));
        }
        return String.join(" ", parts);
    }

    /** The distinct argument lists JMH recorded for its forks, in the order first seen. */
    static Set<List<String>> observedForkArgs(Path jmhResult) throws IOException {
        Set<List<String>> sets = new LinkedHashSet<>();
        if (!Files.exists(jmhResult)) {
            return sets;
        }
        for (JsonNode r : new ObjectMapper().readTree(jmhResult.toFile())) {
            if (r.path("forks").asInt(1) == 0) {
                continue;
            }
            List<String> args = new ArrayList<>();
            r.path("jvmArgs").forEach(a -> args.add(a.asText()));
            sets.add(args);
        }
        return sets;
    }

    private static String args(List<String> args) {
        return args.isEmpty() ? "(none)" : "`" + cell(String.join(" ", args)) + "`";
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }

    private static String pct(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f %%", v);
    }

    private static String num(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
