package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmark and writes the report: {@code java -jar satchel-bench.jar [--full] [--servers]
 * [--only CELL] [--out DIR] [--report-only DIR]}.
 *
 * <p>Every ratio rests on paired cells ({@link PairedBenchmark}): Satchel and what it is compared with
 * take turns in short iterations of the same JVM, in several JVMs. Quick mode (the default) measures
 * the headline cells of the embedded engines; {@code --full} every cell of every engine whose server
 * answers, with latency, allocation, the codec, the concurrency measurements and a million-session
 * sweep.
 */
public final class BenchMain {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchMain() {}

    /**
     * What a run measures and for how long. Every paired cell runs {@code forks} JVMs, each with
     * {@code warmups} then {@code measurements} iterations of {@code iteration}, alternating sides.
     */
    public record Plan(
            String mode,
            Set<EngineType> engines,
            Set<PeerType> peers,
            int forks,
            int warmups,
            TimeValue iteration,
            int measurements,
            List<PairedPlan.Group> groups,
            boolean extras,
            int expirySessions) {

        /**
         * Warm-up iterations per JVM (5 per side): the slowest side to settle, the encrypted cookie's
         * floor (AES-GCM and Jackson), was still speeding up through the first 2 s of a JVM, which
         * made two quick runs differ by 21 % with 4 warm-ups.
         */
        static final int WARMUPS = 10;

        public Plan {
            if (warmups % 2 != 0 || measurements % 2 != 0) {
                throw new IllegalArgumentException("warm-ups and measurements come in pairs: use even counts");
            }
        }

        static Plan quick(Set<EngineType> engines, Set<PeerType> peers) {
            return new Plan(
                    "quick",
                    engines,
                    peers,
                    2,
                    WARMUPS,
                    TimeValue.milliseconds(200),
                    12,
                    PairedPlan.quick(engines),
                    false,
                    100_000);
        }

        static Plan full(Set<EngineType> engines, Set<PeerType> peers) {
            return new Plan(
                    "full",
                    engines,
                    peers,
                    3,
                    WARMUPS,
                    TimeValue.milliseconds(200),
                    12,
                    PairedPlan.full(engines, peers),
                    true,
                    1_000_000);
        }

        static Plan only(Set<EngineType> engines, Set<PeerType> peers, PairedPlan.Group cell) {
            return new Plan(
                    "only", engines, peers, 3, WARMUPS, TimeValue.milliseconds(250), 16, List.of(cell), false, 0);
        }

        /** The cells this plan measures, in order. */
        public List<PairedResults.Cell> cells() {
            List<PairedResults.Cell> all = new ArrayList<>();
            groups.forEach(g -> all.addAll(g.cells()));
            return all;
        }
    }

    public static void main(String[] args) throws Exception {
        boolean full = false;
        boolean servers = false;
        boolean parallelOnly = false;
        String only = null;
        Path out = null;
        Path reportOnly = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> full = true;
                case "--quick" -> full = false;
                case "--servers" -> servers = true;
                case "--embedded-only" -> servers = false;
                case "--out" -> out = Path.of(args[++i]);
                case "--report-only" -> reportOnly = Path.of(args[++i]);
                case "--remeasure" -> {
                    Remeasure.run(Path.of(args[i + 1]), EngineType.valueOf(args[i + 2]), args[i + 3]);
                    return;
                }
                case "--only" -> {
                    String what = i + 1 < args.length ? args[++i] : "";
                    if (what.equals("parallel")) {
                        parallelOnly = true;
                    } else {
                        only = what;
                    }
                }
                default -> {
                    System.err.println(
                            "usage: satchel-bench [--full] [--servers] [--only parallel|'<engine> <operation>"
                                    + " [against] [payload] [N t]'] [--out DIR] [--report-only DIR]");
                    System.exit(2);
                }
            }
        }
        if (reportOnly != null) {
            Report.write(reportOnly);
            return;
        }
        PairedPlan.Group onlyCell = null;
        if (only != null) {
            try {
                onlyCell = PairedPlan.only(only);
            } catch (IllegalArgumentException e) {
                System.err.println("--only '" + only + "': " + e.getMessage());
                System.exit(2);
            }
        }
        // Quick mode keeps to the embedded engines unless asked (--servers); full mode and --only take
        // every engine whose servers answer.
        boolean withServers = servers || full || parallelOnly || onlyCell != null;
        Set<EngineType> engines = EnumSet.noneOf(EngineType.class);
        for (EngineType t : EngineType.values()) {
            if (t.embedded()) {
                engines.add(t);
            } else if (!withServers) {
                System.out.println("skipping " + t + " (quick mode: embedded engines; add --servers)");
            } else if (t.available()) {
                engines.add(t);
            } else {
                System.out.println("skipping " + t + ": its server does not answer on " + t.label());
            }
        }
        Set<PeerType> peers = EnumSet.noneOf(PeerType.class);
        for (PeerType p : PeerType.values()) {
            if (engines.contains(p.satchel()) && (p.embedded() || p.available())) {
                peers.add(p);
            }
        }
        if (parallelOnly) {
            parallel(
                    engines,
                    out != null ? out : Path.of("bench", "reports", LocalDate.now(ZoneOffset.UTC) + "-parallel"));
            return;
        }
        Plan plan = onlyCell != null
                ? Plan.only(engines, peers, onlyCell)
                : full ? Plan.full(engines, peers) : Plan.quick(engines, peers);
        if (out == null) {
            out = Path.of("bench", "reports", LocalDate.now(ZoneOffset.UTC) + "-" + plan.mode());
        }
        Files.createDirectories(out);
        long started = System.nanoTime();
        System.out.println(
                "Satchel benchmark, " + plan.mode() + " mode, engines " + engines + ", peers " + peers + " -> " + out);

        RunConditions conditions = RunConditions.start();
        Machine.describe(engines).write(out.resolve("machine.json"));
        Durability.describe(engines).write(out.resolve("durability.json"));
        JvmFlags.describe(options(plan, new Run(PairedBenchmark.class, "pair", Map.of(), 1))
                        .build())
                .write(out.resolve("jvm.json"));
        runPaired(plan, out, conditions);
        if (onlyCell == null) {
            if (plan.extras()) {
                runLatency(plan, out, conditions);
                runCodec(plan, out, conditions);
            }
            conditions.mark("phase: round trips");
            RoundTrips.measure(engines, out.resolve("roundtrips.json"));
            conditions.unmark("phase: round trips");
            conditions.mark("phase: expiry");
            Expiry.measure(plan, out.resolve("expiry.json"));
            conditions.unmark("phase: expiry");
            if (full) {
                conditions.mark("phase: concurrent requests");
                concurrent(engines, out);
                conditions.unmark("phase: concurrent requests");
                conditions.mark("phase: end to end");
                EndToEnd.measure(engines, out, true);
                conditions.unmark("phase: end to end");
            }
            conditions.mark("phase: Django reference");
            DjangoReference.measure(plan, out.resolve("django.json"));
            conditions.unmark("phase: Django reference");
        }
        conditions.stopAndWrite(out.resolve("conditions.json"));
        Files.writeString(
                out.resolve("run.json"),
                JSON.writeValueAsString(Map.of(
                        "mode", plan.mode(),
                        "command",
                                onlyCell != null
                                        ? "scripts/bench --only '" + only + "'"
                                        : "scripts/bench" + (full ? " --full" : servers ? " --servers" : ""),
                        "seconds", (System.nanoTime() - started) / 1_000_000_000L,
                        "engines", engines.stream().map(Enum::name).collect(Collectors.toList()),
                        "forks", plan.forks(),
                        "warmups", plan.warmups(),
                        "iterationMillis", plan.iteration().convertTo(java.util.concurrent.TimeUnit.MILLISECONDS),
                        "measurements", plan.measurements(),
                        "expirySessions", plan.expirySessions())));
        Report.write(out);
        System.out.println("Report written to " + out.resolve("README.md"));
    }

    /** The concurrent-requests measurements: lost updates, conditional save cost, round trips per save. */
    static void concurrent(Set<EngineType> engines, Path out) throws IOException {
        ParallelRequests.measure(engines, ParallelRequests.Plan.standard(), out.resolve("parallel.json"));
        ConditionalSaveCost.measure(engines, ConditionalSaveCost.Plan.standard(), out.resolve("save-cost.json"));
        RoundTrips.measureSaves(engines, out.resolve("save-roundtrips.json"));
    }

    /** {@code --only parallel}: the concurrent-requests measurements alone, with their own report. */
    static void parallel(Set<EngineType> engines, Path out) throws IOException {
        Files.createDirectories(out);
        long started = System.nanoTime();
        System.out.println("Satchel benchmark, parallel requests only, engines " + engines + " -> " + out);
        RunConditions conditions = RunConditions.start();
        Machine.describe(engines).write(out.resolve("machine.json"));
        Durability.describe(engines).write(out.resolve("durability.json"));
        JvmFlags.describe(null).write(out.resolve("jvm.json"));
        conditions.mark("phase: concurrent requests");
        concurrent(engines, out);
        conditions.unmark("phase: concurrent requests");
        conditions.stopAndWrite(out.resolve("conditions.json"));
        ParallelRequests.Plan p = ParallelRequests.Plan.standard();
        ConditionalSaveCost.Plan c = ConditionalSaveCost.Plan.standard();
        Files.writeString(
                out.resolve("run.json"),
                JSON.writeValueAsString(Map.of(
                        "mode", "parallel",
                        "seconds", (System.nanoTime() - started) / 1_000_000_000L,
                        "engines", engines.stream().map(Enum::name).collect(Collectors.toList()),
                        "threads", p.threads(),
                        "rounds", p.rounds(),
                        "roundMillis", p.round().toMillis(),
                        "costPairs", c.pairs(),
                        "costRoundMillis", c.round().toMillis())));
        Report.write(out);
        System.out.println("Report written to " + out.resolve("README.md"));
    }

    /** One JMH invocation: these methods of one benchmark class, these parameters, this thread count. */
    public record Run(Class<?> benchmark, String methods, Map<String, List<String>> params, int threads) {
        /** The JMH invocation measuring a group of paired cells. */
        static Run paired(PairedPlan.Group g) {
            Map<String, List<String>> params = new LinkedHashMap<>();
            params.put("engine", names(g.engines()));
            params.put("operation", names(g.operations()));
            params.put("against", List.of(g.against()));
            params.put("payload", List.of(g.payload().name()));
            return new Run(PairedBenchmark.class, "pair", params, g.threads());
        }

        boolean isEmpty() {
            return params.values().stream().anyMatch(List::isEmpty);
        }

        private static List<String> names(java.util.Collection<? extends Enum<?>> values) {
            return values.stream().map(Enum::name).collect(Collectors.toList());
        }
    }

    /** Concatenates JMH JSON result files into one. */
    static void merge(List<Path> parts, Path out) throws IOException {
        ArrayNode merged = JSON.createArrayNode();
        for (Path p : parts) {
            JSON.readTree(p.toFile()).forEach(merged::add);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), merged);
    }

    /**
     * Runs every paired cell of the plan into {@code jmh-result.json}, and records the planned cells
     * ({@code cells.json}) and the errors of the cells that failed ({@code failures.txt}), so the report
     * can show a failed cell as failed instead of leaving it out.
     */
    static void runPaired(Plan plan, Path out) throws IOException, RunnerException {
        runPaired(plan, out, null);
    }

    /** {@link #runPaired(Plan, Path)}, marking every measurement iteration in {@code conditions} (or none: null). */
    static void runPaired(Plan plan, Path out, RunConditions conditions) throws IOException, RunnerException {
        Path failures = out.resolve("failures.txt");
        Files.deleteIfExists(failures);
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(out.resolve("cells.json").toFile(), plan.cells());
        List<Run> runs = new ArrayList<>();
        plan.groups().forEach(g -> runs.add(Run.paired(g)));
        runs.removeIf(Run::isEmpty);
        runAll(
                plan,
                runs,
                out.resolve("jmh-result.json"),
                conditions,
                "-D" + PairedBenchmark.FAILURES + "=" + failures.toAbsolutePath());
    }

    /** Latency percentiles and allocation per operation, one side at a time (full mode). */
    static void runLatency(Plan plan, Path out, RunConditions conditions) throws IOException, RunnerException {
        List<Run> runs = new ArrayList<>();
        List<String> ops = Arrays.stream(Operation.values()).map(Enum::name).toList();
        runs.add(new Run(
                SoloBenchmark.class,
                "run",
                Map.of(
                        "engine",
                                plan.engines().stream().map(Enum::name).sorted().toList(),
                        "operation", ops,
                        "side", List.of("SATCHEL")),
                1));
        for (PeerType p : plan.peers()) {
            runs.add(new Run(
                    SoloBenchmark.class,
                    "run",
                    Map.of("engine", List.of(p.satchel().name()), "operation", ops, "side", List.of(p.name())),
                    1));
        }
        Plan solo =
                new Plan(plan.mode(), plan.engines(), plan.peers(), 1, 2, TimeValue.seconds(1), 4, List.of(), false, 0);
        runAll(solo, runs, out.resolve("latency.json"), conditions, null, GCProfiler.class);
    }

    /** Django's format alone on each payload (full mode). */
    static void runCodec(Plan plan, Path out, RunConditions conditions) throws IOException, RunnerException {
        Set<EngineType> codecs =
                EnumSet.of(EngineType.SIGNED_COOKIES, EngineType.ENCRYPTED_COOKIES, EngineType.CACHE_CAFFEINE);
        Run run = new Run(
                CodecBenchmark.class,
                "codecLoad|codecSave",
                Map.of(
                        "engine", codecs.stream().map(Enum::name).toList(),
                        "payload", List.of("SMALL", "MEDIUM")),
                1);
        Plan codec =
                new Plan(plan.mode(), plan.engines(), plan.peers(), 1, 2, TimeValue.seconds(1), 4, List.of(), false, 0);
        runAll(codec, List.of(run), out.resolve("codec.json"), conditions, null);
    }

    @SafeVarargs
    static void runAll(
            Plan plan,
            List<Run> runs,
            Path result,
            RunConditions conditions,
            String jvmArg,
            Class<? extends org.openjdk.jmh.profile.Profiler>... profilers)
            throws IOException, RunnerException {
        ArrayNode merged = JSON.createArrayNode();
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            Path part = Files.createTempFile("satchel-jmh-", ".json");
            ChainedOptionsBuilder o = options(plan, run).result(part.toString()).resultFormat(ResultFormatType.JSON);
            if (jvmArg != null) {
                o.jvmArgsAppend(jvmArg);
            }
            for (var p : profilers) {
                o.addProfiler(p);
            }
            System.out.printf(
                    Locale.ROOT,
                    "JMH run %d/%d: %s.(%s), %d thread(s), %s%n",
                    i + 1,
                    runs.size(),
                    run.benchmark().getSimpleName(),
                    run.methods(),
                    run.threads(),
                    run.params());
            (conditions == null ? new Runner(o.build()) : new Runner(o.build(), CellMarks.console(conditions))).run();
            if (Files.size(part) > 0) {
                JSON.readTree(part.toFile()).forEach(merged::add);
            }
            Files.deleteIfExists(part);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(result.toFile(), merged);
    }

    /** The JMH options of one run (also used by the smoke test with its own timings). */
    public static ChainedOptionsBuilder options(Plan plan, Run run) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(run.benchmark().getName() + "\\.(" + run.methods() + ")$")
                .threads(run.threads())
                .forks(plan.forks())
                .warmupIterations(plan.warmups())
                .warmupTime(plan.iteration())
                .measurementIterations(plan.measurements())
                .measurementTime(plan.iteration())
                .jvmArgsAppend("-Xms1g", "-Xmx1g", "-Djava.awt.headless=true")
                .shouldFailOnError(false);
        run.params().forEach((name, values) -> o.param(name, values.toArray(String[]::new)));
        return o;
    }
}
