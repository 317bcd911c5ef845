package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satchel.ConflictPolicy;
import dev.satchel.Session;
import dev.satchel.SessionConflictException;
import dev.satchel.SessionManager;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The parallel-requests benchmark: N threads play requests of ONE user. Each request loads the
 * session, reads its thread's own key, writes the next value of that key, and saves. A thread knows
 * the last value it saved successfully; a request that finds it missing or older counts one lost
 * update, and so does a final read that finds it gone. Saves refused with
 * {@link SessionConflictException} are counted apart (nothing was acknowledged, nothing is lost).
 *
 * <p>A plain timed harness rather than JMH: lost updates need per-thread bookkeeping of
 * acknowledged values and a check after the threads stop, and the contenders on one store must
 * take turns in short rounds (rotated and reversed from round to round) so that a slow period of the
 * machine hits them all. The figure per cell is the median of its rounds.
 */
public final class ParallelRequests {
    /** The policies measured for Satchel. */
    static final List<ConflictPolicy> POLICIES =
            List.of(ConflictPolicy.MERGE, ConflictPolicy.OVERWRITE, ConflictPolicy.FAIL);
    /** After this many unexpected errors a thread stops for the round (the cell reports them). */
    private static final int MAX_ERRORS = 100;

    private ParallelRequests() {}

    /** Thread counts, rounds per thread count, and the length of one contender's turn. */
    public record Plan(List<Integer> threads, int rounds, Duration round) {
        /** What {@code --only parallel} and full mode run: about 12 s per contender. */
        static Plan standard() {
            return new Plan(List.of(1, 2, 4, 8), 3, Duration.ofSeconds(1));
        }
    }

    /**
     * One contender at one thread count, summed over its rounds.
     *
     * @param requestsPerSecond median over the rounds of (requests answered) / (round time)
     * @param requests every request answered, saved or refused
     * @param lost acknowledged values found missing or older (by a later request or the final read)
     * @param raised saves refused with {@link SessionConflictException}
     * @param merged conflicts Satchel resolved by merging (0 for the peers, which do not detect any)
     * @param errors any other exception; {@code error} holds the first
     */
    public record Cell(
            String store,
            String contender,
            String policy,
            int threads,
            int rounds,
            double requestsPerSecond,
            List<Double> roundRates,
            long requests,
            long lost,
            long raised,
            long merged,
            long errors,
            String error) {
        double perThousand(long n) {
            return requests == 0 ? Double.NaN : n * 1000.0 / requests;
        }
    }

    /** Something that serves requests of one user: Satchel with a policy, or a Spring Session repository. */
    interface Contender {
        String store();

        String name();

        String policy();

        /** A new session holding {@code data}; returns its id. */
        String seed(Map<String, Object> data);

        /** One request; returns the value of {@code key} it found, or {@code null}. */
        Long request(String id, String key, long value);

        /** The value of {@code key} as stored now. */
        Long read(String id, String key);

        /** Conflicts resolved by merging so far. */
        long merged();
    }

    /** Measures every store among {@code engines} (and the peers on them) and writes {@code out}. */
    public static void measure(Set<EngineType> engines, Plan plan, Path out) throws IOException {
        List<Cell> cells = new ArrayList<>();
        for (EngineType engine : EngineType.values()) {
            if (engines.contains(engine) && measured(engine)) {
                cells.addAll(measure(engine, plan));
            }
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), cells);
    }

    /** The stores of the benchmark: every engine that keeps server-side records (not the cookies, not cached_db). */
    static boolean measured(EngineType engine) {
        return engine != EngineType.SIGNED_COOKIES
                && engine != EngineType.ENCRYPTED_COOKIES
                && engine != EngineType.CACHED_DB;
    }

    /** One store: Satchel under each policy and the Spring Session peers on the same store, interleaved. */
    static List<Cell> measure(EngineType engine, Plan plan) {
        List<Cell> cells = new ArrayList<>();
        List<AutoCloseable> open = new ArrayList<>();
        try {
            List<Contender> contenders = new ArrayList<>();
            Fixture f = engine.open(false);
            open.add(f);
            for (ConflictPolicy p : POLICIES) {
                contenders.add(satchel(engine, f, f.manager(p), p));
            }
            for (PeerType peer : PeerType.values()) {
                if (peer.satchel() == engine && (peer.embedded() || peer.available())) {
                    PeerType.Peer repo = peer.open(null);
                    open.add(repo);
                    contenders.add(spring(engine, peer, repo));
                }
            }
            System.out.printf(Locale.ROOT, "parallel requests on %s: %d contenders%n", engine, contenders.size());
            for (int threads : plan.threads()) {
                Map<Contender, List<Round>> rounds = new LinkedHashMap<>();
                contenders.forEach(c -> rounds.put(c, new ArrayList<>()));
                for (int r = 0; r < plan.rounds(); r++) {
                    List<Contender> order = new ArrayList<>(contenders);
                    Collections.rotate(order, r);
                    if (r % 2 == 1) {
                        Collections.reverse(order);
                    }
                    for (Contender c : order) {
                        rounds.get(c).add(play(c, threads, plan.round()));
                    }
                }
                rounds.forEach((c, rs) -> cells.add(cell(c, threads, rs)));
            }
        } catch (RuntimeException e) {
            System.err.println("parallel requests on " + engine + " failed: " + e);
            cells.add(
                    new Cell(engine.label(), "(store)", "", 0, 0, Double.NaN, List.of(), 0, 0, 0, 0, 1, e.toString()));
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    System.err.println("closing after parallel requests failed: " + e);
                }
            }
        }
        return cells;
    }

    static Contender satchel(EngineType engine, Fixture f, SessionManager m, ConflictPolicy policy) {
        return new Contender() {
            @Override
            public String store() {
                return engine.label();
            }

            @Override
            public String name() {
                return "Satchel " + engine.label();
            }

            @Override
            public String policy() {
                return policy.name().toLowerCase(Locale.ROOT);
            }

            @Override
            public String seed(Map<String, Object> data) {
                return f.seed(data);
            }

            @Override
            public Long request(String id, String key, long value) {
                Session s = m.session(id);
                Object found = s.get(key);
                s.put(key, value);
                s.save();
                return found == null ? null : ((Number) found).longValue();
            }

            @Override
            public Long read(String id, String key) {
                Object found = m.session(id).get(key);
                return found == null ? null : ((Number) found).longValue();
            }

            @Override
            public long merged() {
                return m.conflictCounts().merged();
            }
        };
    }

    static Contender spring(EngineType engine, PeerType peer, PeerType.Peer repo) {
        return new Contender() {
            @Override
            public String store() {
                return engine.label();
            }

            @Override
            public String name() {
                return peer.label();
            }

            @Override
            public String policy() {
                return "";
            }

            @Override
            public String seed(Map<String, Object> data) {
                return repo.create(data);
            }

            @Override
            public Long request(String id, String key, long value) {
                return repo.request(id, key, value);
            }

            @Override
            public Long read(String id, String key) {
                return repo.attribute(id, key);
            }

            @Override
            public long merged() {
                return 0;
            }
        };
    }

    /** One contender's turn: a fresh session, {@code threads} threads for {@code length}, then the final read. */
    record Round(double seconds, long requests, long lost, long raised, long merged, long errors, String error) {}

    static Round play(Contender c, int threads, Duration length) {
        String id = c.seed(Payload.MEDIUM.data());
        long mergedBefore = c.merged();
        long[] requests = new long[threads];
        long[] lost = new long[threads];
        long[] raised = new long[threads];
        long[] errors = new long[threads];
        long[] acknowledged = new long[threads];
        String[] firstError = new String[threads];
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread w = new Thread(
                    () -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        String key = "parallel_" + me;
                        long ack = 0;
                        while (System.nanoTime() - deadline[0] < 0) {
                            long next = ack + 1;
                            try {
                                Long found = c.request(id, key, next);
                                requests[me]++;
                                if (ack > 0 && (found == null || found < ack)) {
                                    lost[me]++;
                                }
                                ack = next;
                            } catch (SessionConflictException refused) {
                                requests[me]++;
                                raised[me]++;
                            } catch (RuntimeException e) {
                                errors[me]++;
                                if (firstError[me] == null) {
                                    firstError[me] = e.toString();
                                }
                                if (errors[me] >= MAX_ERRORS) {
                                    break;
                                }
                            }
                        }
                        acknowledged[me] = ack;
                    },
                    "parallel-" + t);
            workers.add(w);
            w.start();
        }
        long start = System.nanoTime();
        deadline[0] = start + length.toNanos();
        go.countDown(); // publishes deadline[0] to the workers
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long lostTotal = 0;
        String error = null;
        for (int t = 0; t < threads; t++) {
            lostTotal += lost[t];
            if (acknowledged[t] > 0) {
                Long stored = c.read(id, "parallel_" + t);
                if (stored == null || stored < acknowledged[t]) {
                    lostTotal++;
                }
            }
            if (error == null) {
                error = firstError[t];
            }
        }
        return new Round(seconds, sum(requests), lostTotal, sum(raised), c.merged() - mergedBefore, sum(errors), error);
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += v;
        }
        return s;
    }

    static Cell cell(Contender c, int threads, List<Round> rounds) {
        List<Double> rates = new ArrayList<>();
        long requests = 0;
        long lost = 0;
        long raised = 0;
        long merged = 0;
        long errors = 0;
        String error = null;
        for (Round r : rounds) {
            rates.add(r.requests() / r.seconds());
            requests += r.requests();
            lost += r.lost();
            raised += r.raised();
            merged += r.merged();
            errors += r.errors();
            if (error == null) {
                error = r.error();
            }
        }
        return new Cell(
                c.store(),
                c.name(),
                c.policy(),
                threads,
                rounds.size(),
                Stats.median(rates).median(),
                rates,
                requests,
                lost,
                raised,
                merged,
                errors,
                error);
    }
}
