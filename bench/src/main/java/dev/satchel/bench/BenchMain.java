package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole benchmark and writes the report: {@code java -jar satchel-bench.jar [--full]
 * [--embedded-only] [--out DIR] [--report-only DIR]}.
 *
 * <p>Quick mode (the default) measures the embedded engines plus every engine whose servers answer
 * on loopback, with short iterations; {@code --full} measures every payload and operation at 1 and 4
 * threads with longer iterations and a million-session expiry sweep.
 */
public final class BenchMain {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchMain() {}

    /** What a run measures and for how long. */
    public record Plan(
            String mode,
            Set<EngineType> engines,
            int forks,
            int warmups,
            TimeValue warmupTime,
            int measurements,
            TimeValue measurementTime,
            boolean allPayloadsAllOperations,
            int expirySessions) {

        static Plan quick(Set<EngineType> engines) {
            return new Plan(
                    "quick",
                    engines,
                    1,
                    1,
                    TimeValue.milliseconds(500),
                    5,
                    TimeValue.milliseconds(200),
                    false,
                    100_000);
        }

        static Plan full(Set<EngineType> engines) {
            // Sized to finish in about 45 minutes on 2 cores with every server present.
            return new Plan("full", engines, 1, 2, TimeValue.seconds(1), 5, TimeValue.seconds(1), true, 1_000_000);
        }
    }

    public static void main(String[] args) throws Exception {
        boolean full = false;
        boolean embeddedOnly = false;
        boolean parallelOnly = false;
        Path out = null;
        Path reportOnly = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> full = true;
                case "--quick" -> full = false;
                case "--embedded-only" -> embeddedOnly = true;
                case "--out" -> out = Path.of(args[++i]);
                case "--report-only" -> reportOnly = Path.of(args[++i]);
                case "--only" -> {
                    String what = i + 1 < args.length ? args[++i] : "";
                    if (!what.equals("parallel")) {
                        System.err.println("--only knows one measurement: parallel (not \"" + what + "\")");
                        System.exit(2);
                    }
                    parallelOnly = true;
                }
                default -> {
                    System.err.println("usage: satchel-bench [--full] [--embedded-only] [--only parallel] [--out DIR]"
                            + " [--report-only DIR]");
                    System.exit(2);
                }
            }
        }
        if (reportOnly != null) {
            Report.write(reportOnly);
            return;
        }
        Set<EngineType> engines = EnumSet.noneOf(EngineType.class);
        for (EngineType t : EngineType.values()) {
            if (t.embedded()) {
                engines.add(t);
            } else if (embeddedOnly) {
                System.out.println("skipping " + t + " (--embedded-only)");
            } else if (t.available()) {
                engines.add(t);
            } else {
                System.out.println("skipping " + t + ": its server does not answer on " + t.label());
            }
        }
        if (parallelOnly) {
            parallel(
                    engines,
                    out != null ? out : Path.of("bench", "reports", LocalDate.now(ZoneOffset.UTC) + "-parallel"));
            return;
        }
        Plan plan = full ? Plan.full(engines) : Plan.quick(engines);
        if (out == null) {
            out = Path.of("bench", "reports", LocalDate.now(ZoneOffset.UTC) + "-" + plan.mode());
        }
        Files.createDirectories(out);
        long started = System.nanoTime();
        System.out.println("Satchel benchmark, " + plan.mode() + " mode, engines " + engines + " -> " + out);

        Machine.describe(engines).write(out.resolve("machine.json"));
        runJmh(plan, out);
        RoundTrips.measure(engines, out.resolve("roundtrips.json"));
        Expiry.measure(plan, out.resolve("expiry.json"));
        if (full) {
            concurrent(engines, out);
        }
        DjangoReference.measure(plan, out.resolve("django.json"));
        Files.writeString(
                out.resolve("run.json"),
                JSON.writeValueAsString(Map.of(
                        "mode", plan.mode(),
                        "seconds", (System.nanoTime() - started) / 1_000_000_000L,
                        "engines", engines.stream().map(Enum::name).collect(Collectors.toList()),
                        "forks", plan.forks(),
                        "warmups", plan.warmups(),
                        "warmupMillis", plan.warmupTime().convertTo(java.util.concurrent.TimeUnit.MILLISECONDS),
                        "measurements", plan.measurements(),
                        "measurementMillis",
                                plan.measurementTime().convertTo(java.util.concurrent.TimeUnit.MILLISECONDS),
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
        Machine.describe(engines).write(out.resolve("machine.json"));
        concurrent(engines, out);
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
        static Run engines(String methods, Set<EngineType> engines, List<Payload> payloads, int threads) {
            return new Run(
                    SessionBenchmark.class,
                    methods,
                    Map.of("engine", names(engines), "payload", names(payloads)),
                    threads);
        }

        static Run peers(String methods, Set<PeerType> peers, int threads) {
            return new Run(
                    PeerBenchmark.class,
                    methods,
                    Map.of("peer", names(peers), "payload", List.of(Payload.MEDIUM.name())),
                    threads);
        }

        boolean isEmpty() {
            return params.values().stream().anyMatch(List::isEmpty);
        }

        private static List<String> names(java.util.Collection<? extends Enum<?>> values) {
            return values.stream().map(Enum::name).sorted().collect(Collectors.toList());
        }
    }

    static List<Run> runs(Plan plan) {
        Set<EngineType> all = plan.engines();
        Set<EngineType> embedded = EnumSet.noneOf(EngineType.class);
        all.stream().filter(EngineType::embedded).forEach(embedded::add);
        Set<EngineType> servers = EnumSet.noneOf(EngineType.class);
        all.stream().filter(EngineType::networked).forEach(servers::add);
        Set<EngineType> large = EnumSet.noneOf(EngineType.class);
        all.stream().filter(e -> e.holds(Payload.LARGE)).forEach(large::add);
        // The codec is the same for every server-side engine: measure it once (Caffeine) plus the cookies'.
        Set<EngineType> codecs =
                EnumSet.of(EngineType.SIGNED_COOKIES, EngineType.ENCRYPTED_COOKIES, EngineType.CACHE_CAFFEINE);
        Set<PeerType> peers = EnumSet.noneOf(PeerType.class);
        for (PeerType p : PeerType.values()) {
            if (all.contains(p.satchel()) && (p.embedded() || p.available())) {
                peers.add(p);
            }
        }
        String ops = "load|save|create|cycle";
        String floors = "floorLoad|floorSave|floorCreate|floorCycle";
        List<Run> runs = new ArrayList<>();
        if (plan.allPayloadsAllOperations()) {
            // Every operation on the medium payload at 1 and 4 threads; loads across the payload sizes.
            runs.add(Run.engines(ops + "|" + floors, all, List.of(Payload.MEDIUM), 1));
            runs.add(Run.engines(ops + "|" + floors, all, List.of(Payload.MEDIUM), 4));
            runs.add(Run.engines("load|floorLoad", all, List.of(Payload.SMALL), 1));
            runs.add(Run.engines("load|floorLoad", large, List.of(Payload.LARGE), 1));
            runs.add(Run.engines("codecLoad|codecSave", codecs, List.of(Payload.values()), 1));
            runs.add(Run.peers(ops, peers, 1));
            runs.add(Run.peers(ops, peers, 4));
        } else {
            // Quick: what the headline, the floor ratios and the peer ratios need, medium payload, 1 thread.
            runs.add(Run.engines("load|save|cycle|floorLoad|floorSave|floorCycle", all, List.of(Payload.MEDIUM), 1));
            runs.add(Run.engines("codecLoad|codecSave", codecs, List.of(Payload.MEDIUM), 1));
            runs.add(Run.peers("cycle", peers, 1));
        }
        runs.removeIf(Run::isEmpty);
        return runs;
    }

    /** Concatenates JMH JSON result files into one. */
    static void merge(List<Path> parts, Path out) throws IOException {
        ArrayNode merged = JSON.createArrayNode();
        for (Path p : parts) {
            JSON.readTree(p.toFile()).forEach(merged::add);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), merged);
    }

    static void runJmh(Plan plan, Path out) throws IOException, RunnerException {
        ArrayNode merged = JSON.createArrayNode();
        List<Run> runs = runs(plan);
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            Path part = Files.createTempFile("satchel-jmh-", ".json");
            ChainedOptionsBuilder o = options(plan, run).result(part.toString()).resultFormat(ResultFormatType.JSON);
            System.out.printf(
                    Locale.ROOT,
                    "JMH run %d/%d: %s.(%s), %d thread(s), %s%n",
                    i + 1,
                    runs.size(),
                    run.benchmark().getSimpleName(),
                    run.methods(),
                    run.threads(),
                    run.params());
            new Runner(o.build()).run();
            JsonNode results = JSON.readTree(part.toFile());
            results.forEach(merged::add);
            Files.deleteIfExists(part);
        }
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(out.resolve("jmh-result.json").toFile(), merged);
    }

    /** The JMH options of one run (also used by the smoke test with its own timings). */
    public static ChainedOptionsBuilder options(Plan plan, Run run) {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(run.benchmark().getName() + "\\.(" + run.methods() + ")$")
                .threads(run.threads())
                .forks(plan.forks())
                .warmupIterations(plan.warmups())
                .warmupTime(plan.warmupTime())
                .measurementIterations(plan.measurements())
                .measurementTime(plan.measurementTime())
                .jvmArgsAppend("-Xms1g", "-Xmx1g", "-Djava.awt.headless=true")
                .shouldFailOnError(false);
        run.params().forEach((name, values) -> o.param(name, values.toArray(String[]::new)));
        return o;
    }
}
