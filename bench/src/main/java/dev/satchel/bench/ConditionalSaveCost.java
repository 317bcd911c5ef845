package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satchel.ConflictPolicy;
import dev.satchel.Session;
import dev.satchel.SessionManager;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What detecting conflicts costs: the same engine, the same records, one thread, saving a session it
 * has just loaded, once through a manager with policy {@code merge} (the conditional save: the
 * loaded version is known) and once with {@code overwrite} (the plain save). The two take turns in
 * short rounds (AB, BA, AB, ...) so that a slow period hits both; each pair of rounds gives one
 * ratio, and the result is the median ratio with its 95 % order-statistics interval. Only the save
 * is timed (the load before it is not); the cycle ratio (load + save) is given beside it.
 */
public final class ConditionalSaveCost {
    static final int SESSIONS = 16;

    private ConditionalSaveCost() {}

    /** Pairs measured (after {@code warmupPairs} discarded) and the length of one round. */
    public record Plan(int warmupPairs, int pairs, Duration round) {
        static Plan standard() {
            return new Plan(3, 20, Duration.ofMillis(200));
        }
    }

    /**
     * One engine's result.
     *
     * @param ratio median of (conditional saves/s) / (plain saves/s) over the pairs
     * @param low lower bound of the 95 % interval of that median
     * @param high upper bound
     * @param cycleRatio the same for the whole cycle (load + save)
     * @param conditionalPerSecond median saves/s with {@code merge}
     * @param plainPerSecond median saves/s with {@code overwrite}
     */
    public record Result(
            String engine,
            String label,
            int pairs,
            double ratio,
            double low,
            double high,
            double cycleRatio,
            double conditionalPerSecond,
            double plainPerSecond,
            List<Double> ratios,
            String error) {}

    public static void measure(Set<EngineType> engines, Plan plan, Path out) throws IOException {
        List<Result> results = new ArrayList<>();
        for (EngineType e : EngineType.values()) {
            if (engines.contains(e) && e != EngineType.SIGNED_COOKIES && e != EngineType.ENCRYPTED_COOKIES) {
                results.add(measure(e, plan));
            }
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
    }

    static Result measure(EngineType engine, Plan plan) {
        System.out.println("conditional vs plain save on " + engine);
        try (Fixture f = engine.open(false)) {
            if (f.manager().engine().conditionalSave().isEmpty()) {
                return failed(engine, "the engine has no conditional save");
            }
            SessionManager conditional = f.manager(ConflictPolicy.MERGE);
            SessionManager plain = f.manager(ConflictPolicy.OVERWRITE);
            String[] keys = new String[SESSIONS];
            for (int i = 0; i < SESSIONS; i++) {
                keys[i] = f.seed(Payload.MEDIUM.data());
            }
            List<Double> saveRatios = new ArrayList<>();
            List<Double> cycleRatios = new ArrayList<>();
            List<Double> conditionalRates = new ArrayList<>();
            List<Double> plainRates = new ArrayList<>();
            long[] counter = {0};
            for (int p = 0; p < plan.warmupPairs() + plan.pairs(); p++) {
                double[] a;
                double[] b;
                if (p % 2 == 0) {
                    a = round(conditional, keys, counter, plan.round());
                    b = round(plain, keys, counter, plan.round());
                } else {
                    b = round(plain, keys, counter, plan.round());
                    a = round(conditional, keys, counter, plan.round());
                }
                if (p >= plan.warmupPairs()) {
                    saveRatios.add(a[0] / b[0]);
                    cycleRatios.add(a[1] / b[1]);
                    conditionalRates.add(a[0]);
                    plainRates.add(b[0]);
                }
            }
            Stats.Median m = Stats.median(saveRatios);
            return new Result(
                    engine.name(),
                    engine.label(),
                    m.n(),
                    m.median(),
                    m.low(),
                    m.high(),
                    Stats.median(cycleRatios).median(),
                    Stats.median(conditionalRates).median(),
                    Stats.median(plainRates).median(),
                    saveRatios,
                    null);
        } catch (RuntimeException e) {
            System.err.println("conditional vs plain save on " + engine + " failed: " + e);
            return failed(engine, e.toString());
        }
    }

    private static Result failed(EngineType engine, String error) {
        return new Result(
                engine.name(),
                engine.label(),
                0,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                List.of(),
                error);
    }

    /** One round: load, change one key, save (timed), over and over; returns {saves/s, cycles/s}. */
    private static double[] round(SessionManager m, String[] keys, long[] counter, Duration length) {
        long saveNanos = 0;
        long ops = 0;
        long start = System.nanoTime();
        long end = start + length.toNanos();
        while (System.nanoTime() - end < 0) {
            long n = ++counter[0];
            Session s = m.session(keys[(int) (n % keys.length)]);
            s.size(); // loads it: the version is known
            s.put("bench_counter", n);
            long t0 = System.nanoTime();
            s.save();
            saveNanos += System.nanoTime() - t0;
            ops++;
        }
        long wall = System.nanoTime() - start;
        return new double[] {ops * 1e9 / saveNanos, ops * 1e9 / wall};
    }
}
