package dev.satchel.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Satchel and Django doing the same operation in alternation: a Satchel round (the engine's {@link
 * SatchelContender}, in this JVM) and a Django round ({@link DjangoProcess}) of the same length make a
 * pair, in the order Satchel–Django, then Django–Satchel, and so on (ABBA), after one warm-up round of
 * each. Each pair gives one ratio, Satchel ops/s ÷ Django ops/s, so a slow period of the machine hits
 * both sides of the pairs it falls in; the result is the median ratio with its 95 % order-statistics
 * interval ({@link Stats#median}).
 *
 * <p>Both sides work on the same number of prepared sessions, in the same order. The sessions a create
 * round stores are deleted after it (untimed) on both sides, so every round sees the same store.
 */
final class DjangoPairs {
    /** Sessions prepared on each side. */
    static final int SLOTS = 16;

    private DjangoPairs() {}

    /** How many pairs, how long a round, how long the warm-up round of each side. */
    record Plan(int pairs, Duration round, Duration warmup, List<Payload> cyclePayloads) {
        /** The sizes for a run of {@code mode}: quick, full, or anything else (the CI smoke run). */
        static Plan of(String mode) {
            return switch (mode) {
                case "full" -> new Plan(12, Duration.ofMillis(300), Duration.ofMillis(300), List.of(Payload.values()));
                // Six pairs, the fewest with a 95 % interval: about 30 s on the embedded engines.
                case "quick" -> new Plan(6, Duration.ofMillis(100), Duration.ofMillis(100), List.of(Payload.MEDIUM));
                default -> new Plan(2, Duration.ofMillis(20), Duration.ofMillis(10), List.of(Payload.MEDIUM));
            };
        }
    }

    /** One pair of rounds, raw: who went first, each side's operations and seconds, Django's hits and misses. */
    record Pair(
            String order,
            long satchelOps,
            double satchelSeconds,
            long djangoOps,
            double djangoSeconds,
            long djangoHits,
            long djangoMisses,
            double ratio) {}

    /**
     * One engine, operation and payload.
     *
     * @param ratio median of the pairs' Satchel ops/s ÷ Django ops/s
     * @param low lower bound of its 95 % interval (NaN with fewer than 6 pairs)
     * @param satchelOpsPerSecond median of Satchel's rounds
     * @param djangoOpsPerSecond median of Django's rounds
     * @param djangoMisses loads (or cycles) that found no session: must be 0, or the row measured misses
     * @param satchelSessionsIntact whether every prepared Satchel session still loaded after the rounds
     * @param djangoSkipsFsync Django writes without fsync here, Satchel with
     */
    record Cell(
            String engine,
            String satchel,
            String django,
            String djangoEngine,
            boolean djangoSkipsFsync,
            String payload,
            String operation,
            int pairs,
            double ratio,
            double low,
            double high,
            double satchelOpsPerSecond,
            double djangoOpsPerSecond,
            long djangoHits,
            long djangoMisses,
            boolean satchelSessionsIntact,
            List<Pair> rounds,
            String error) {}

    /** Every cell of {@code backend} (each operation on the medium payload, cycle on the plan's payloads). */
    static List<Cell> measure(DjangoBackend backend, DjangoProcess django, Plan plan) {
        List<Cell> cells = new ArrayList<>();
        for (Payload payload : plan.cyclePayloads()) {
            if (!backend.satchel().holds(payload)) {
                continue;
            }
            List<Operation> ops = payload == Payload.MEDIUM
                    ? List.of(Operation.LOAD, Operation.SAVE, Operation.CREATE, Operation.CYCLE)
                    : List.of(Operation.CYCLE);
            cells.addAll(measure(backend, payload, ops, django, plan));
        }
        return cells;
    }

    private static List<Cell> measure(
            DjangoBackend backend, Payload payload, List<Operation> ops, DjangoProcess django, Plan plan) {
        List<Cell> cells = new ArrayList<>();
        try {
            Fixture fixture = backend.satchel().open(false);
            try (SatchelContender satchel = new SatchelContender(fixture)) { // closes the fixture
                satchel.prepare(payload.data(), SLOTS);
                django.prepare(backend, payload, SLOTS);
                Side side = new Side(fixture, satchel);
                for (Operation op : ops) {
                    System.out.println("Django pairs: " + backend.satchel().label() + " vs " + backend.label() + ", "
                            + op.label() + ", " + payload.name().toLowerCase(java.util.Locale.ROOT));
                    try {
                        cells.add(cell(backend, payload, op, side, django, plan));
                    } catch (IOException | RuntimeException e) {
                        System.err.println("Django pairs failed: " + backend + " " + op + ": " + e);
                        cells.add(failed(backend, payload, op, e.toString()));
                    }
                }
                django.cleanup();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("Django pairs failed: " + backend + ": " + e);
            for (Operation op : ops) {
                if (cells.stream().noneMatch(c -> c.operation().equals(op.label()))) {
                    cells.add(failed(backend, payload, op, e.toString()));
                }
            }
        }
        return cells;
    }

    private static Cell cell(
            DjangoBackend backend, Payload payload, Operation op, Side satchel, DjangoProcess django, Plan plan)
            throws IOException {
        satchel.round(op, plan.warmup());
        django.run(op, plan.warmup());
        List<Pair> pairs = new ArrayList<>();
        for (int p = 0; p < plan.pairs(); p++) {
            DjangoProcess.Round d;
            SatchelRound s;
            if (p % 2 == 0) {
                s = satchel.round(op, plan.round());
                d = django.run(op, plan.round());
            } else {
                d = django.run(op, plan.round());
                s = satchel.round(op, plan.round());
            }
            pairs.add(new Pair(
                    p % 2 == 0 ? "satchel-django" : "django-satchel",
                    s.ops(),
                    s.seconds(),
                    d.ops(),
                    d.seconds(),
                    d.hits(),
                    d.misses(),
                    s.perSecond() / d.perSecond()));
        }
        Stats.Median ratio = Stats.median(pairs.stream().map(Pair::ratio).toList());
        return new Cell(
                backend.satchel().name(),
                backend.satchel().label(),
                backend.label(),
                backend.module(),
                backend.skipsFsync(),
                payload.name(),
                op.label(),
                ratio.n(),
                ratio.median(),
                ratio.low(),
                ratio.high(),
                Stats.median(pairs.stream()
                                .map(x -> x.satchelOps() / x.satchelSeconds())
                                .toList())
                        .median(),
                Stats.median(pairs.stream()
                                .map(x -> x.djangoOps() / x.djangoSeconds())
                                .toList())
                        .median(),
                pairs.stream().mapToLong(x -> Math.max(0, x.djangoHits())).sum(),
                pairs.stream().mapToLong(x -> Math.max(0, x.djangoMisses())).sum(),
                satchel.intact(),
                pairs,
                null);
    }

    private static Cell failed(DjangoBackend backend, Payload payload, Operation op, String error) {
        return new Cell(
                backend.satchel().name(),
                backend.satchel().label(),
                backend.label(),
                backend.module(),
                backend.skipsFsync(),
                payload.name(),
                op.label(),
                0,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                0,
                0,
                false,
                List.of(),
                error);
    }

    /** One timed Satchel round. */
    record SatchelRound(long ops, double seconds) {
        double perSecond() {
            return ops / seconds;
        }
    }

    /** Satchel's side: its contender, the fixture under it, and the running operation counter. */
    private static final class Side {
        private final Fixture fixture;
        private final SatchelContender contender;
        private long counter;

        Side(Fixture fixture, SatchelContender contender) {
            this.fixture = fixture;
            this.contender = contender;
        }

        SatchelRound round(Operation op, Duration length) {
            List<Object> created = op == Operation.CREATE ? new ArrayList<>() : null;
            long ops = 0;
            long start = System.nanoTime();
            long end = start + length.toNanos();
            long now;
            do {
                long n = ++counter;
                Object result = op.apply(contender, (int) (n % SLOTS), n);
                if (created != null) {
                    created.add(result);
                }
                ops++;
                now = System.nanoTime();
            } while (now - end < 0);
            if (created != null && fixture.manager().engine().storesRecords()) {
                for (Object key : created) {
                    fixture.manager().engine().delete((String) key);
                }
            }
            return new SatchelRound(ops, (now - start) / 1e9);
        }

        /** Whether every prepared session still loads with its data (a miss would have been measured). */
        boolean intact() {
            for (int slot = 0; slot < SLOTS; slot++) {
                if (((Number) Operation.LOAD.apply(contender, slot, 0)).intValue() == 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
