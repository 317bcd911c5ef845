package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The end-to-end comparison: the same servlet app ({@link EndToEndApp}) on embedded Jetty behind
 * Satchel's {@code SessionFilter} and behind Spring Session's {@code SessionRepositoryFilter} on the
 * same store, driven over loopback HTTP by wrk ({@link EndToEndLoad}). After a warm-up of each side,
 * the two sides take turns in pairs of runs (ABBA: Satchel first in even pairs, Spring first in odd
 * ones) so that a slow period hits both; each pair gives one ratio of requests/s, and the result is
 * the median ratio with its 95 % order-statistics interval ({@link Stats#median}). Writes {@code
 * e2e.json}; {@link EndToEndReport} turns it into the report's section.
 */
public final class EndToEnd {
    /** The file this comparison writes in the report directory. */
    public static final String FILE = "e2e.json";

    private EndToEnd() {}

    /**
     * How long each side runs and how hard it is driven.
     *
     * @param warmupSeconds one discarded run of each side before the pairs
     * @param runSeconds one measured run
     * @param pairs measured pairs (6 at least for a 95 % interval)
     * @param connections wrk connections (one per wrk thread, each one user)
     */
    public record Plan(int warmupSeconds, int runSeconds, int pairs, int connections) {
        /** The full report's plan: about two minutes per store (the JIT is still warming after a few seconds). */
        public static Plan full() {
            return new Plan(10, 5, 10, 8);
        }

        /** A shorter plan, still enough pairs for an interval: about 30 s per store. */
        public static Plan quick() {
            return new Plan(2, 2, 6, 8);
        }
    }

    /** How the load was driven, as the report states it. */
    public record Driver(
            String tool,
            String version,
            int threads,
            int connections,
            int warmupSeconds,
            int runSeconds,
            int pairs,
            String order,
            String mix,
            int cartCap,
            long sessionAgeSeconds,
            int cores) {}

    /** The medians over one side's measured runs. */
    public record Side(
            String label,
            double perSecond,
            double p50Micros,
            double p99Micros,
            double p999Micros,
            long requests,
            long statusErrors,
            long socketErrors,
            long non200,
            boolean sessionsKept,
            List<EndToEndLoad.Run> runs) {
        static Side of(String label, List<EndToEndLoad.Run> runs) {
            return new Side(
                    label,
                    median(runs, EndToEndLoad.Run::perSecond),
                    median(runs, r -> r.latency().p50()),
                    median(runs, r -> r.latency().p99()),
                    median(runs, r -> r.latency().p999()),
                    runs.stream().mapToLong(EndToEndLoad.Run::requests).sum(),
                    runs.stream().mapToLong(EndToEndLoad.Run::statusErrors).sum(),
                    runs.stream().mapToLong(EndToEndLoad.Run::socketErrors).sum(),
                    runs.stream().mapToLong(EndToEndLoad.Run::non200).sum(),
                    !runs.isEmpty() && runs.stream().allMatch(EndToEndLoad.Run::sessionsKept),
                    runs);
        }

        private static double median(List<EndToEndLoad.Run> runs, ToDoubleFunction<EndToEndLoad.Run> f) {
            return Stats.median(runs.stream().map(r -> f.applyAsDouble(r)).toList())
                    .median();
        }
    }

    /**
     * One store's comparison.
     *
     * @param ratio median over the pairs of (Satchel requests/s) / (Spring Session requests/s)
     * @param low lower bound of the 95 % interval of that median (NaN below 6 pairs)
     * @param high upper bound
     * @param error why the store was not measured, or {@code null}
     */
    public record Store(
            String store,
            String label,
            int pairs,
            double ratio,
            double low,
            double high,
            List<Double> ratios,
            Side satchel,
            Side spring,
            String error) {}

    /** What {@value #FILE} holds. */
    public record Result(Driver driver, List<Store> stores) {}

    /**
     * Measures every store whose Satchel engine is in {@code engines} and whose server answers, with
     * {@link Plan#full()} or {@link Plan#quick()}, and writes {@code out/}{@value #FILE}. Skips with a
     * message (writing nothing) when wrk is not installed or no store can be measured.
     */
    public static void measure(Set<EngineType> engines, Path out, boolean full) throws IOException {
        measure(engines, out, full ? Plan.full() : Plan.quick());
    }

    /** As {@link #measure(Set, Path, boolean)}, with an explicit plan (the test runs a very short one). */
    public static void measure(Set<EngineType> engines, Path out, Plan plan) throws IOException {
        Optional<Path> wrk = EndToEndLoad.find();
        if (wrk.isEmpty()) {
            System.out.println("skipping the end-to-end comparison: wrk is not installed"
                    + " (apt-get install -y wrk, or scripts/test-deps)");
            return;
        }
        List<EndToEndStore> stores = new ArrayList<>();
        for (EndToEndStore s : EndToEndStore.values()) {
            if (!engines.contains(s.engine())) {
                continue;
            }
            if (!s.available()) {
                System.out.println("skipping the end-to-end comparison on " + s.label() + ": its server does not"
                        + " answer (" + String.join(", ", s.engine().servers()) + ")");
                continue;
            }
            stores.add(s);
        }
        if (stores.isEmpty()) {
            System.out.println("skipping the end-to-end comparison: none of its stores (Redis, PostgreSQL) is"
                    + " measured in this run");
            return;
        }
        Driver driver = new Driver(
                "wrk",
                EndToEndLoad.version(wrk.get()),
                plan.connections(),
                plan.connections(),
                plan.warmupSeconds(),
                plan.runSeconds(),
                plan.pairs(),
                "ABBA",
                EndToEndLoad.MIX,
                EndToEndApp.CART_CAP,
                EndToEndStore.SESSION_AGE.toSeconds(),
                Runtime.getRuntime().availableProcessors());
        List<Store> results = new ArrayList<>();
        try (EndToEndLoad load = new EndToEndLoad(wrk.get(), plan.connections())) {
            for (EndToEndStore s : stores) {
                results.add(measure(s, load, plan));
            }
        }
        Files.createDirectories(out);
        new ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValue(out.resolve(FILE).toFile(), new Result(driver, results));
    }

    /**
     * Runs the comparison alone: {@code java -cp satchel-bench.jar dev.satchel.bench.EndToEnd [--full]
     * [--out DIR]} writes {@value #FILE} and its section ({@code e2e.md}) in {@code DIR}.
     */
    public static void main(String[] args) throws IOException {
        boolean full = false;
        Path out = Path.of("bench", "reports", "e2e");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> full = true;
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: EndToEnd [--full] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        measure(EnumSet.allOf(EngineType.class), out, full);
        if (EndToEndReport.present(out)) {
            Files.writeString(out.resolve("e2e.md"), EndToEndReport.render(out));
            System.out.println("written " + out.resolve(FILE) + " and " + out.resolve("e2e.md"));
        }
    }

    static Store measure(EndToEndStore store, EndToEndLoad load, Plan plan) {
        System.out.printf(
                Locale.ROOT,
                "end to end on %s: %d s warm-up, %d pair(s) of %d s runs, wrk -t%d -c%d%n",
                store.label(),
                plan.warmupSeconds(),
                plan.pairs(),
                plan.runSeconds(),
                plan.connections(),
                plan.connections());
        try (EndToEndSide satchel = store.satchel(EndToEndStore.uniqueId("satchel"));
                EndToEndSide spring = store.spring(EndToEndStore.uniqueId("spring"))) {
            if (plan.warmupSeconds() > 0) {
                load.run(satchel.baseUri(), plan.warmupSeconds());
                load.run(spring.baseUri(), plan.warmupSeconds());
            }
            List<EndToEndLoad.Run> a = new ArrayList<>();
            List<EndToEndLoad.Run> b = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int p = 0; p < plan.pairs(); p++) {
                EndToEndLoad.Run x;
                EndToEndLoad.Run y;
                if (p % 2 == 0) {
                    x = load.run(satchel.baseUri(), plan.runSeconds());
                    y = load.run(spring.baseUri(), plan.runSeconds());
                } else {
                    y = load.run(spring.baseUri(), plan.runSeconds());
                    x = load.run(satchel.baseUri(), plan.runSeconds());
                }
                a.add(x);
                b.add(y);
                ratios.add(x.perSecond() / y.perSecond());
            }
            Stats.Median m = Stats.median(ratios);
            Store result = new Store(
                    store.name(),
                    store.label(),
                    m.n(),
                    m.median(),
                    m.low(),
                    m.high(),
                    ratios,
                    Side.of(satchel.label(), a),
                    Side.of(spring.label(), b),
                    null);
            System.out.printf(
                    Locale.ROOT,
                    "end to end on %s: Satchel %.0f req/s, Spring Session %.0f req/s, ratio %.2f%n",
                    store.label(),
                    result.satchel().perSecond(),
                    result.spring().perSecond(),
                    result.ratio());
            return result;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            System.err.println("the end-to-end comparison on " + store.label() + " failed: " + e);
            return new Store(
                    store.name(),
                    store.label(),
                    0,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    List.of(),
                    Side.of(store.satchelLabel(), List.of()),
                    Side.of(store.springLabel(), List.of()),
                    e.toString());
        }
    }
}
