package dev.satchel.bench;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which paired cells a run measures, grouped into JMH invocations. Quick mode keeps the headline's
 * cells (load, save and the request cycle against the floor, medium payload, one thread, and the
 * embedded peer); full mode adds every operation, four threads, the small and large payloads, the
 * extra floors and every peer whose server answers.
 */
public final class PairedPlan {
    /** One JMH invocation: these engines and operations against one opponent, one payload, one thread count. */
    public record Group(
            List<EngineType> engines, List<Operation> operations, String against, Payload payload, int threads) {
        /** The cells this group measures. */
        public List<PairedResults.Cell> cells() {
            List<PairedResults.Cell> cells = new ArrayList<>();
            for (EngineType e : engines) {
                for (Operation o : operations) {
                    cells.add(new PairedResults.Cell(e, o, against, payload, threads));
                }
            }
            return cells;
        }
    }

    private PairedPlan() {}

    static final List<Operation> QUICK_OPERATIONS = List.of(Operation.LOAD, Operation.SAVE, Operation.CYCLE);

    /**
     * The quick run's groups: each engine's load, save and request cycle against its floor. No peer:
     * the one embedded peer (Spring Session's map) runs 30 times faster than the Caffeine engine, so
     * 12 pairs do not pin that ratio within the ±15 % a quick run must agree with the full run to;
     * peers are measured in the full run.
     */
    public static List<Group> quick(Set<EngineType> engines) {
        List<Group> groups = new ArrayList<>();
        groups.add(new Group(sorted(engines), QUICK_OPERATIONS, "FLOOR", Payload.MEDIUM, 1));
        groups.removeIf(g -> g.engines().isEmpty());
        return groups;
    }

    /** The full run's groups. */
    public static List<Group> full(Set<EngineType> engines, Set<PeerType> peers) {
        List<Operation> all = List.of(Operation.values());
        List<Operation> sized = List.of(Operation.LOAD, Operation.SAVE, Operation.CREATE, Operation.CYCLE);
        List<Group> groups = new ArrayList<>();
        List<EngineType> every = sorted(engines);
        groups.add(new Group(every, all, "FLOOR", Payload.MEDIUM, 1));
        groups.add(new Group(every, List.of(Operation.LOAD, Operation.CYCLE), "FLOOR", Payload.MEDIUM, 4));
        groups.add(new Group(every, sized, "FLOOR", Payload.SMALL, 1));
        groups.add(new Group(
                every.stream().filter(e -> e.holds(Payload.LARGE)).toList(), sized, "FLOOR", Payload.LARGE, 1));
        for (EngineType e : every) {
            for (String extra : e.extraFloors()) {
                groups.add(new Group(
                        List.of(e), List.of(Operation.LOAD, Operation.CYCLE), "FLOOR:" + extra, Payload.MEDIUM, 1));
            }
        }
        for (PeerType p : peers) {
            if (!engines.contains(p.satchel())) {
                continue;
            }
            List<EngineType> one = List.of(p.satchel());
            groups.add(new Group(one, all, p.name(), Payload.MEDIUM, 1));
            if (!p.headline()) {
                continue; // the extra clients and repositories: every operation once, medium payload
            }
            groups.add(new Group(one, List.of(Operation.CYCLE), p.name(), Payload.MEDIUM, 4));
            List<Operation> writes = List.of(Operation.SAVE, Operation.CREATE, Operation.CYCLE);
            groups.add(new Group(one, writes, p.name(), Payload.SMALL, 1));
            groups.add(new Group(one, writes, p.name(), Payload.LARGE, 1));
        }
        groups.removeIf(g -> g.engines().isEmpty());
        return groups;
    }

    /**
     * The one cell {@code scripts/bench --only '<engine> <operation> [against] [payload] [N t]'} names,
     * for example {@code 'db_sqlite cycle'}, {@code 'cache_redis load spring_redis'} or {@code 'file save
     * large 4t'}.
     */
    public static Group only(String spec) {
        String[] words = spec.trim().split("\\s+");
        if (words.length < 2) {
            throw new IllegalArgumentException("--only needs '<engine> <operation> [against] [payload] [N t]'");
        }
        EngineType engine = EngineType.valueOf(words[0].toUpperCase(Locale.ROOT));
        Operation op = Operation.valueOf(words[1].toUpperCase(Locale.ROOT));
        String against = "FLOOR";
        Payload payload = Payload.MEDIUM;
        int threads = 1;
        for (int i = 2; i < words.length; i++) {
            String w = words[i].toUpperCase(Locale.ROOT);
            if (w.matches("\\d+T")) {
                threads = Integer.parseInt(w.substring(0, w.length() - 1));
            } else if (isPayload(w)) {
                payload = Payload.valueOf(w);
            } else if (w.equals("FLOOR") || w.startsWith("FLOOR:")) {
                against = w.startsWith("FLOOR:") ? "FLOOR:" + words[i].substring(6) : w;
            } else {
                against = PeerType.valueOf(w).name();
            }
        }
        if (threads < 1 || threads > PairedBenchmark.MAX_THREADS) {
            throw new IllegalArgumentException("threads must be 1 to " + PairedBenchmark.MAX_THREADS);
        }
        return new Group(List.of(engine), List.of(op), against, payload, threads);
    }

    private static boolean isPayload(String w) {
        for (Payload p : Payload.values()) {
            if (p.name().equals(w)) {
                return true;
            }
        }
        return false;
    }

    private static List<EngineType> sorted(Set<EngineType> engines) {
        EnumSet<EngineType> s = EnumSet.noneOf(EngineType.class);
        s.addAll(engines);
        return new ArrayList<>(s);
    }
}
