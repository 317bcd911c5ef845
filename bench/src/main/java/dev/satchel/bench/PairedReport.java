package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satchel.bench.PairedResults.Cell;
import dev.satchel.bench.PairedResults.Measured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.knowm.xchart.CategoryChart;

/**
 * The paired sections of a report: every ratio as the median of per-pair ratios with its 95 %
 * interval, the checks each cell passes or fails, the cells that failed, and (quick mode) how the
 * quick ratios agree with the last full run's.
 */
final class PairedReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An interval wider than this (half-width over the median) is called out. */
    static final double WIDE = 0.10;
    /** Quick and full ratios should agree within this. */
    static final double AGREEMENT = 0.15;

    private final Path dir;
    private final PairedResults results;
    private final List<Cell> planned = new ArrayList<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private final StringBuilder md = new StringBuilder();

    private PairedReport(Path dir) throws IOException {
        this.dir = dir;
        this.results = PairedResults.read(dir.resolve("jmh-result.json"));
        Path cells = dir.resolve("cells.json");
        if (Files.exists(cells)) {
            for (JsonNode c : JSON.readTree(cells.toFile())) {
                planned.add(new Cell(
                        EngineType.valueOf(c.path("engine").asText()),
                        Operation.valueOf(c.path("operation").asText()),
                        c.path("against").asText(),
                        Payload.valueOf(c.path("payload").asText()),
                        c.path("threads").asInt()));
            }
        }
        Path f = dir.resolve("failures.txt");
        if (Files.exists(f)) {
            String name = null;
            for (String line : Files.readAllLines(f)) {
                if (line.startsWith("=== ")) {
                    name = line.substring(4);
                    failures.putIfAbsent(name, "");
                } else if (name != null && failures.get(name).isEmpty() && !line.isBlank()) {
                    failures.put(name, line.trim());
                }
            }
        }
    }

    /** The paired sections of the report in {@code dir}, or an empty string if it has no paired cells. */
    static String render(Path dir, JsonNode run) throws IOException {
        PairedReport r = new PairedReport(dir);
        if (r.results.isEmpty() && r.planned.isEmpty()) {
            return "";
        }
        r.all(run);
        return r.md.toString();
    }

    /** What a check says of a measured cell: empty when it is fine. */
    static Optional<String> check(Measured m) {
        Stats.Median r = m.ratio();
        if (Double.isNaN(r.low())) {
            return Optional.of("too few pairs (" + r.n() + ") for a 95 % interval");
        }
        if (m.cell().againstFloor() && r.low() > 1.0) {
            return Optional.of("faster than its floor beyond the interval: a measurement error, not a result");
        }
        if ((r.high() - r.low()) / 2 > WIDE * r.median()) {
            return Optional.of("interval wider than ±" + Math.round(WIDE * 100) + " %");
        }
        return Optional.empty();
    }

    /** Whether the cell's ratio may be published (a floor beaten beyond the interval is an error). */
    static boolean publishable(Measured m) {
        Stats.Median r = m.ratio();
        return !(m.cell().againstFloor() && r.low() > 1.0);
    }

    private void all(JsonNode run) throws IOException {
        method(run);
        String mode = run == null ? "" : run.path("mode").asText();
        if (mode.equals("only")) {
            table("## The cell", c -> true, true);
            failed();
            return;
        }
        headline();
        peers(mode.equals("quick"));
        table(
                "## Every operation against the floor, medium payload, 1 thread",
                c -> c.againstFloor()
                        && !c.against().contains(":")
                        && c.payload() == Payload.MEDIUM
                        && c.threads() == 1,
                false);
        table("## 4 threads", c -> c.againstFloor() && c.payload() == Payload.MEDIUM && c.threads() == 4, false);
        table(
                "## Payload sizes (small 17 B, large 32 720 B)",
                c -> c.againstFloor() && c.payload() != Payload.MEDIUM,
                false);
        table("## Extra floors", c -> c.against().startsWith("FLOOR:"), false);
        failed();
        if (mode.equals("quick")) {
            agreement();
        }
    }

    private void method(JsonNode run) {
        md.append("## How the ratios are measured\n\n");
        int forks = run == null ? 0 : run.path("forks").asInt();
        int warmups = run == null ? 0 : run.path("warmups").asInt();
        int measurements = run == null ? 0 : run.path("measurements").asInt();
        long millis = run == null ? 0 : run.path("iterationMillis").asLong();
        md.append("Each cell is one JMH benchmark (`PairedBenchmark`) in which Satchel and what it is compared with ")
                .append("(its floor: for a server-side engine the raw store with the same client doing the same I/O, ")
                .append("plus Django's codec done by hand, the least a Django-compatible engine on that store can ")
                .append("cost; for a cookie engine the cookie codec by hand; or a peer library on the same store) ")
                .append("take turns in iterations of ")
                .append(millis)
                .append(" ms in the same JVM, in the order ABBA ABBA…, so a slow period of the machine hits both ")
                .append("sides and each side goes first in half of the pairs. ")
                .append(forks)
                .append(forks == 1 ? " JVM" : " JVMs")
                .append(" per cell, each with ")
                .append(warmups)
                .append(" warm-up and ")
                .append(measurements)
                .append(" measured iterations (")
                .append(measurements / 2)
                .append(" pairs). Each pair of neighbouring iterations gives one ratio, Satchel's throughput over ")
                .append("the other side's (1.00× = as fast; below 1 = slower); a cell reports the median of its ")
                .append("ratios with a distribution-free 95 % interval (order statistics of the binomial), and the ")
                .append("medians of each side's ops/s. The absolute ops/s move with the machine's state far more than ")
                .append("the ratios do: compare ratios, not ops/s across runs.\n\n");
        md.append("Checks, applied to every cell: an engine faster than its floor beyond the interval is a ")
                .append("measurement error and its ratio is not published; an interval wider than ±")
                .append(Math.round(WIDE * 100))
                .append(" % of the median is called out. A cell that failed is listed with its error.\n\n");
        if (run != null && run.has("remeasured")) {
            for (JsonNode r : run.path("remeasured")) {
                md.append("**Re-measured:** every floor cell of ")
                        .append(EngineType.valueOf(r.path("engine").asText()).label())
                        .append(" (")
                        .append(r.path("cells").asInt())
                        .append(
                                r.has("warmups") && r.path("warmups").asInt() != warmups
                                        ? " cells, same method but "
                                                + r.path("warmups").asInt() + " warm-up iterations) at "
                                        : " cells, same method) at ")
                        .append(r.path("at").asText())
                        .append(", after the run: ")
                        .append(r.path("reason").asText())
                        .append("\n\n");
            }
        }
        md.append("Reproduce one cell with `scripts/bench --only '<engine> <operation> [against] [payload] [N t]'`,")
                .append(" the words given in each table's *reproduce* column.\n\n");
    }

    private void headline() throws IOException {
        md.append("## Headline: the request cycle against the floor (medium payload, 1 thread)\n\n");
        List<Measured> rows = results.all().stream()
                .filter(m -> m.cell().operation() == Operation.CYCLE
                        && m.cell().against().equals("FLOOR")
                        && m.cell().payload() == Payload.MEDIUM
                        && m.cell().threads() == 1)
                .toList();
        if (rows.isEmpty()) {
            md.append("Not measured in this run.\n\n");
            return;
        }
        md.append("![request cycle: Satchel over its floor, with 95 % intervals](ratio-cycle.png)\n\n");
        md.append(
                        "| engine | floor | Satchel ops/s | floor ops/s | ratio [95 % interval] | pairs | check | reproduce |\n")
                .append("|---|---|---:|---:|---:|---:|---|---|\n");
        for (Measured m : rows) {
            EngineType e = m.cell().engine();
            row(
                    e.label(),
                    e.floorLabel(),
                    ops(m.satchelOps().median()),
                    ops(m.otherOps().median()),
                    verdict(m));
        }
        md.append('\n');
        ratioChart(
                rows,
                "Request cycle: Satchel / floor (medium payload, 1 thread; bars: 95 % interval)",
                "ratio-cycle.png");
        List<Measured> ops = results.all().stream()
                .filter(m -> m.cell().against().equals("FLOOR")
                        && m.cell().payload() == Payload.MEDIUM
                        && m.cell().threads() == 1)
                .toList();
        if (opsChart(ops)) {
            md.append("![every operation: Satchel over its floor](ratio-operations.png)\n\n");
        }
    }

    private void peers(boolean quick) throws IOException {
        List<Measured> rows =
                results.all().stream().filter(m -> !m.cell().againstFloor()).toList();
        md.append("## Against Spring Session\n\n");
        if (rows.isEmpty()) {
            md.append(
                    quick
                            ? "Measured in the full run only (`scripts/bench --full`): the one embedded peer, Spring Session's map, runs about 30 times faster than the Caffeine engine, and 12 pairs do not pin that ratio within the ±15 % a quick run must agree with the full run to. One peer cell: `scripts/bench --only 'cache_caffeine cycle spring_map'`.\n\n"
                            : "No peer measured in this run.\n\n");
            return;
        }
        md.append("Spring Session's repositories on the same store, driven as its `SessionRepositoryFilter` drives ")
                .append("them (find, touch the last access time, work, save). Above 1.00× Satchel is faster.\n\n");
        md.append(
                        "| store | peer | operation | payload | threads | Satchel ops/s | peer ops/s | ratio [95 % interval] | pairs | check | reproduce |\n")
                .append("|---|---|---|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Measured m : rows) {
            Cell c = m.cell();
            row(
                    c.engine().label(),
                    peerLabel(c.against()),
                    c.operation().label(),
                    c.payload().name().toLowerCase(Locale.ROOT),
                    String.valueOf(c.threads()),
                    ops(m.satchelOps().median()),
                    ops(m.otherOps().median()),
                    verdict(m));
        }
        md.append('\n');
        List<Measured> cycles = rows.stream()
                .filter(m -> m.cell().operation() == Operation.CYCLE
                        && m.cell().payload() == Payload.MEDIUM
                        && m.cell().threads() == 1)
                .toList();
        if (!cycles.isEmpty()) {
            CategoryChart c = Charts.bars(
                    "Request cycle: Satchel / Spring Session on the same store (bars: 95 % interval)", "ratio");
            List<String> names = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            for (Measured m : cycles) {
                names.add(Charts.name(peerLabel(m.cell().against())));
                values.add(m.ratio().median());
                errors.add(halfWidth(m.ratio()));
            }
            c.addSeries("Satchel / peer", names, values, errors);
            Charts.save(c, dir.resolve("ratio-peers.png"));
            md.append("![request cycle against Spring Session](ratio-peers.png)\n\n");
        }
    }

    private static String peerLabel(String against) {
        try {
            return PeerType.valueOf(against).label();
        } catch (IllegalArgumentException e) {
            return against;
        }
    }

    private void table(String title, Predicate<Cell> which, boolean always) {
        List<Measured> rows =
                results.all().stream().filter(m -> which.test(m.cell())).toList();
        if (rows.isEmpty() && !always) {
            return;
        }
        md.append(title).append("\n\n");
        md.append(
                        "| engine | operation | against | payload | threads | Satchel ops/s | µs/op | other ops/s | ratio [95 % interval] | pairs | check | reproduce |\n")
                .append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (Measured m : rows) {
            Cell c = m.cell();
            double satchel = m.satchelOps().median();
            row(
                    c.engine().label(),
                    c.operation().label(),
                    c.againstFloor() ? c.against().toLowerCase(Locale.ROOT) : peerLabel(c.against()),
                    c.payload().name().toLowerCase(Locale.ROOT),
                    String.valueOf(c.threads()),
                    ops(satchel),
                    micros(c.threads() * 1e6 / satchel),
                    ops(m.otherOps().median()),
                    verdict(m));
        }
        md.append('\n');
    }

    /** The cells every table ends with: ratio, pairs, check, and how to reproduce the cell. */
    private static String verdict(Measured m) {
        return ratioCell(m) + " | " + m.ratio().n() + " | " + check(m).orElse("ok") + " | `"
                + m.cell().only() + "`";
    }

    /** One Markdown table row. */
    private void row(String... cells) {
        md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private void failed() {
        List<Cell> missing =
                planned.stream().filter(c -> results.get(c).isEmpty()).toList();
        if (missing.isEmpty()) {
            return;
        }
        md.append("## Cells that failed\n\n");
        md.append("Planned but without results; their ratios cannot be computed.\n\n");
        md.append("| cell | error |\n|---|---|\n");
        for (Cell c : missing) {
            String error = failures.getOrDefault(c.failureName(), "");
            md.append("| `")
                    .append(c.only())
                    .append("` | ")
                    .append(error.isEmpty() ? "no result (see the run's output)" : error.replace("|", "\\|"))
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** Quick mode: each quick ratio beside the last full run's, which should agree within ±15 %. */
    private void agreement() throws IOException {
        md.append("## Quick against the last full run\n\n");
        Optional<Path> full = lastFull();
        if (full.isEmpty()) {
            md.append("No full run with paired cells was found beside this report (`bench/reports/*-full/`), so ")
                    .append("agreement could not be checked.\n\n");
            return;
        }
        PairedResults f = PairedResults.read(full.get().resolve("jmh-result.json"));
        md.append("Against `")
                .append(full.get().getFileName())
                .append("`. The quick run measures fewer pairs in fewer JVMs; its ratios should lie within ±")
                .append(Math.round(AGREEMENT * 100))
                .append(" % of the full run's.\n\n");
        md.append("| cell | quick ratio | full ratio | quick / full | within ±15 % |\n|---|---:|---:|---:|---|\n");
        int within = 0;
        int compared = 0;
        for (Measured q : results.all()) {
            Optional<Measured> other = f.get(q.cell());
            if (other.isEmpty()) {
                continue;
            }
            double a = q.ratio().median();
            double b = other.get().ratio().median();
            boolean ok = Math.abs(a / b - 1) <= AGREEMENT;
            compared++;
            within += ok ? 1 : 0;
            md.append("| `")
                    .append(q.cell().only())
                    .append("` | ")
                    .append(x(a))
                    .append(" | ")
                    .append(x(b))
                    .append(" | ")
                    .append(fmt(a / b, 2))
                    .append(" | ")
                    .append(ok ? "yes" : "**no**")
                    .append(" |\n");
        }
        md.append('\n').append(within).append(" of ").append(compared).append(" cells agree within ±15 %.\n\n");
    }

    /** The newest sibling {@code *-full} directory holding paired cells. */
    private Optional<Path> lastFull() throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith("-full"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString())
                            .reversed())
                    .toList()) {
                if (!PairedResults.read(p.resolve("jmh-result.json")).isEmpty()) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    private void ratioChart(List<Measured> rows, String title, String file) throws IOException {
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        for (Measured m : rows) {
            if (!publishable(m)) {
                continue;
            }
            names.add(Charts.name(m.cell().engine().label()));
            values.add(m.ratio().median());
            errors.add(halfWidth(m.ratio()));
        }
        if (names.isEmpty()) {
            return;
        }
        CategoryChart c = Charts.bars(title, "Satchel / floor");
        c.addSeries("ratio", names, values, errors);
        Charts.save(c, dir.resolve(file));
    }

    private boolean opsChart(List<Measured> rows) throws IOException {
        List<String> names = new ArrayList<>();
        for (Measured m : rows) {
            String n = Charts.name(m.cell().engine().label());
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        if (names.isEmpty()) {
            return false;
        }
        CategoryChart c = Charts.bars(
                "Satchel / floor per operation (medium payload, 1 thread; bars: 95 % interval)", "Satchel / floor");
        for (Operation op : Operation.values()) {
            List<Double> values = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            boolean any = false;
            for (String n : names) {
                Optional<Measured> m = rows.stream()
                        .filter(r -> r.cell().operation() == op
                                && Charts.name(r.cell().engine().label()).equals(n))
                        .findFirst()
                        .filter(PairedReport::publishable);
                values.add(m.map(r -> r.ratio().median()).orElse(0.0));
                errors.add(m.map(r -> halfWidth(r.ratio())).orElse(0.0));
                any |= m.isPresent();
            }
            if (any) {
                c.addSeries(op.label(), names, values, errors);
            }
        }
        Charts.save(c, dir.resolve("ratio-operations.png"));
        return true;
    }

    /** Error bars are symmetric in the charts: the larger side of the interval. */
    private static double halfWidth(Stats.Median m) {
        if (Double.isNaN(m.low())) {
            return 0;
        }
        return Math.max(m.median() - m.low(), m.high() - m.median());
    }

    static String ratioCell(Measured m) {
        if (!publishable(m)) {
            return "(flagged)";
        }
        Stats.Median r = m.ratio();
        if (Double.isNaN(r.low())) {
            return x(r.median());
        }
        return x(r.median()) + " [" + num(r.low()) + "–" + num(r.high()) + "]";
    }

    static String ops(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String micros(double us) {
        int digits = us < 10 ? 2 : us < 100 ? 1 : 0;
        return String.format(Locale.ROOT, "%,." + digits + "f", us);
    }

    /** A ratio with two decimals, or two significant digits below 0.1 (an in-process store's floor is fast). */
    static String x(double ratio) {
        return num(ratio) + "×";
    }

    static String num(double v) {
        if (v != 0 && Math.abs(v) < 0.1) {
            return new java.math.BigDecimal(v)
                    .round(new java.math.MathContext(2))
                    .stripTrailingZeros()
                    .toPlainString();
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String fmt(double v, int digits) {
        return String.format(Locale.ROOT, "%,." + digits + "f", v);
    }
}
