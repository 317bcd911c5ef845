package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satchel.Session;
import dev.satchel.SessionManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import redis.clients.jedis.JedisPooled;

/**
 * Counts the commands or statements each operation sends, for Satchel and for the floor: Redis
 * {@code INFO commandstats} deltas, memcached {@code stats} deltas, and a counting JDBC wrapper.
 * Server counters are global, so other clients can only inflate them: each figure is the lowest of
 * three trials.
 */
public final class RoundTrips {
    static final int OPS = 50;
    static final int TRIALS = 3;

    private RoundTrips() {}

    /** One row: the engine, the operation, and round trips per operation for Satchel and the floor. */
    public record Row(String engine, String operation, double satchel, double floor, String counted) {}

    public static void measure(Set<EngineType> engines, Path out) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (EngineType t : engines) {
            if (!t.networked() && t != EngineType.DB_SQLITE) {
                continue;
            }
            try {
                rows.addAll(measure(t));
            } catch (RuntimeException e) {
                System.err.println("round trips of " + t + " not measured: " + e);
            }
        }
        for (PeerType p : PeerType.values()) {
            if (!p.embedded() && engines.contains(p.satchel()) && p.available()) {
                try {
                    rows.addAll(measure(p));
                } catch (RuntimeException e) {
                    System.err.println("round trips of " + p + " not measured: " + e);
                }
            }
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), rows);
    }

    /** Spring Session's round trips on the same operations (the floor column is left empty). */
    static List<Row> measure(PeerType type) {
        List<Row> rows = new ArrayList<>();
        CountingDataSource statements = new CountingDataSource();
        boolean jdbc = type == PeerType.SPRING_JDBC;
        try (PeerType.Peer peer = type.open(jdbc ? statements : null);
                ServerCount redis = jdbc ? null : redisCalls()) {
            LongSupplier count = jdbc ? statements::count : redis::get;
            Map<String, Object> data = Payload.MEDIUM.data();
            String[] ids = new String[OPS];
            for (int i = 0; i < OPS; i++) {
                ids[i] = peer.create(data);
            }
            var held = peer.find(ids[0]);
            int[] n = {0};
            Map<String, Runnable> ops = new LinkedHashMap<>();
            ops.put("load", () -> peer.load(ids[n[0]++ % OPS]));
            ops.put("save", () -> peer.save(held, n[0]++));
            ops.put("create", () -> peer.create(data));
            ops.put("cycle", () -> peer.cycle(ids[n[0]++ % OPS], n[0]));
            for (var e : ops.entrySet()) {
                rows.add(new Row(
                        type.name(),
                        e.getKey(),
                        perOp(count, e.getValue()),
                        Double.NaN,
                        jdbc ? "JDBC statements" : "Redis INFO commandstats"));
            }
        }
        return rows;
    }

    static List<Row> measure(EngineType type) {
        List<Row> rows = new ArrayList<>();
        try (Fixture f = type.open(true);
                Counter counter = Counter.of(type, f)) {
            SessionManager m = f.manager();
            Map<String, Object> data = Payload.MEDIUM.data();
            String encoded = f.encode(data);
            Instant expiry = f.expiry();
            String[] keys = new String[OPS];
            String[] floorKeys = new String[OPS];
            for (int i = 0; i < OPS; i++) {
                keys[i] = f.seed(data);
                floorKeys[i] = f.floor().create(data, encoded, expiry);
            }
            Session held = m.session(keys[0]);
            held.size();
            Map<String, Runnable> satchel = new LinkedHashMap<>();
            int[] n = {0};
            satchel.put("load", () -> m.session(keys[n[0]++ % OPS]).size());
            satchel.put("save", () -> {
                held.put("bench_counter", n[0]++);
                held.save();
            });
            satchel.put("create", () -> f.seed(data));
            satchel.put("cycle", () -> {
                Session s = m.session(keys[n[0]++ % OPS]);
                s.put("bench_counter", n[0]);
                s.save();
            });
            Map<String, Runnable> floor = new LinkedHashMap<>();
            floor.put("load", () -> f.floor().load(floorKeys[n[0]++ % OPS]));
            floor.put("save", () -> f.floor().save(floorKeys[0], data, encoded, expiry));
            floor.put("create", () -> f.floor().create(data, encoded, expiry));
            floor.put("cycle", () -> {
                String k = floorKeys[n[0]++ % OPS];
                f.floor().load(k);
                f.floor().save(k, data, encoded, expiry);
            });
            for (String op : satchel.keySet()) {
                double s = perOp(counter.engine(), satchel.get(op));
                double fl = perOp(counter.floor(), floor.get(op));
                rows.add(new Row(type.name(), op, s, fl, counter.what()));
            }
        }
        return rows;
    }

    /**
     * Round trips and statements per save, conditional and plain. One row per engine and operation;
     * {@code roundTrips} is counted by a {@link RoundTripProxy} in front of each server (NaN when the
     * engine has none), {@code statements} by the counting JDBC wrapper (NaN for the caches).
     */
    public record SaveRow(String engine, String operation, double roundTrips, double statements) {}

    /** The save operations compared, in report order. */
    static final List<String> SAVE_OPERATIONS = List.of(
            "conditional save (merge, after a load)",
            "plain save (overwrite, after a load)",
            "second save in one request (merge)",
            "load");

    /** Measures {@link SaveRow}s for the engines with a conditional save and writes them to {@code out}. */
    public static void measureSaves(Set<EngineType> engines, Path out) throws IOException {
        List<SaveRow> rows = new ArrayList<>();
        for (EngineType t : engines) {
            if (!t.networked() && t != EngineType.DB_SQLITE) {
                continue;
            }
            try {
                rows.addAll(measureSaves(t));
            } catch (IOException | RuntimeException e) {
                System.err.println("round trips per save of " + t + " not measured: " + e);
            }
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), rows);
    }

    static List<SaveRow> measureSaves(EngineType type) throws IOException {
        List<RoundTripProxy> proxies = new ArrayList<>();
        try {
            for (String url : type.servers()) {
                proxies.add(new RoundTripProxy(url));
            }
            java.util.function.UnaryOperator<String> route = url -> {
                String routed = url;
                for (RoundTripProxy p : proxies) {
                    routed = p.route(routed);
                }
                return routed;
            };
            try (Fixture f = type.open(true, route)) {
                LongSupplier trips = () ->
                        proxies.stream().mapToLong(RoundTripProxy::exchanges).sum();
                boolean jdbc = type == EngineType.DB_SQLITE
                        || type == EngineType.DB_POSTGRES
                        || type == EngineType.DB_MARIADB
                        || type == EngineType.CACHED_DB;
                SessionManager merge = f.manager(dev.satchel.ConflictPolicy.MERGE);
                SessionManager overwrite = f.manager(dev.satchel.ConflictPolicy.OVERWRITE);
                Map<String, Object> data = Payload.MEDIUM.data();
                String[] keys = new String[OPS];
                for (int i = 0; i < OPS; i++) {
                    keys[i] = f.seed(data);
                }
                // Each operation prepares untimed (the load) and returns the part that is counted.
                Map<String, java.util.function.IntFunction<Runnable>> ops = new LinkedHashMap<>();
                ops.put(SAVE_OPERATIONS.get(0), i -> {
                    Session s = merge.session(keys[i]);
                    s.size();
                    s.put("bench_counter", i);
                    return s::save;
                });
                ops.put(SAVE_OPERATIONS.get(1), i -> {
                    Session s = overwrite.session(keys[i]);
                    s.size();
                    s.put("bench_counter", i);
                    return s::save;
                });
                ops.put(SAVE_OPERATIONS.get(2), i -> {
                    Session s = merge.session(keys[i]);
                    s.put("bench_counter", i);
                    s.save();
                    s.put("bench_counter_2", i);
                    return s::save;
                });
                ops.put(SAVE_OPERATIONS.get(3), i -> merge.session(keys[i])::size);
                List<SaveRow> rows = new ArrayList<>();
                for (var e : ops.entrySet()) {
                    double roundTrips = proxies.isEmpty() ? Double.NaN : perOp(trips, e.getValue());
                    double statements = jdbc ? perOp(f::engineStatements, e.getValue()) : Double.NaN;
                    rows.add(new SaveRow(type.name(), e.getKey(), roundTrips, statements));
                }
                return rows;
            }
        } finally {
            proxies.forEach(RoundTripProxy::close);
        }
    }

    /** Lowest over the trials of the count per operation, counting only what {@code op} returns. */
    private static double perOp(LongSupplier count, java.util.function.IntFunction<Runnable> op) {
        double best = Double.MAX_VALUE;
        for (int trial = 0; trial < TRIALS; trial++) {
            long total = 0;
            for (int i = 0; i < OPS; i++) {
                Runnable counted = op.apply(i);
                long before = count.getAsLong();
                counted.run();
                total += count.getAsLong() - before;
            }
            best = Math.min(best, total / (double) OPS);
        }
        return best;
    }

    private static double perOp(LongSupplier count, Runnable op) {
        double best = Double.MAX_VALUE;
        for (int trial = 0; trial < TRIALS; trial++) {
            long before = count.getAsLong();
            for (int i = 0; i < OPS; i++) {
                op.run();
            }
            best = Math.min(best, (count.getAsLong() - before) / (double) OPS);
        }
        return best;
    }

    /** Where the counts come from for one engine. */
    interface Counter extends AutoCloseable {
        LongSupplier engine();

        LongSupplier floor();

        String what();

        @Override
        void close();

        static Counter of(EngineType type, Fixture f) {
            return switch (type) {
                case CACHE_REDIS -> server("Redis INFO commandstats", redisCalls());
                case CACHE_MEMCACHED -> server("memcached stats", memcachedCalls());
                case CACHED_DB -> {
                    Counter redis = server("", redisCalls());
                    yield new Counter() {
                        @Override
                        public LongSupplier engine() {
                            return () -> redis.engine().getAsLong() + f.engineStatements();
                        }

                        @Override
                        public LongSupplier floor() {
                            return () -> redis.floor().getAsLong() + f.floorStatements();
                        }

                        @Override
                        public String what() {
                            return "Redis INFO commandstats + JDBC statements";
                        }

                        @Override
                        public void close() {
                            redis.close();
                        }
                    };
                }
                default ->
                    new Counter() {
                        @Override
                        public LongSupplier engine() {
                            return f::engineStatements;
                        }

                        @Override
                        public LongSupplier floor() {
                            return f::floorStatements;
                        }

                        @Override
                        public String what() {
                            return "JDBC statements";
                        }

                        @Override
                        public void close() {}
                    };
            };
        }

        private static Counter server(String what, ServerCount count) {
            return new Counter() {
                @Override
                public LongSupplier engine() {
                    return count::get;
                }

                @Override
                public LongSupplier floor() {
                    return count::get;
                }

                @Override
                public String what() {
                    return what;
                }

                @Override
                public void close() {
                    count.close();
                }
            };
        }
    }

    interface ServerCount extends AutoCloseable {
        long get();

        @Override
        void close();
    }

    /** Commands Redis has run, not counting the INFO calls that read the figure. */
    static ServerCount redisCalls() {
        InetSocketAddress a = Stores.address(Stores.REDIS_URL);
        JedisPooled jedis = new JedisPooled(a.getHostString(), a.getPort());
        return new ServerCount() {
            @Override
            public long get() {
                long total = 0;
                for (String line : jedis.info("commandstats").split("\r?\n")) {
                    if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
                        int calls = line.indexOf("calls=");
                        int end = line.indexOf(',', calls);
                        total += Long.parseLong(line.substring(calls + 6, end));
                    }
                }
                return total;
            }

            @Override
            public void close() {
                jedis.close();
            }
        };
    }

    /** Storage commands memcached has run (gets, sets of every kind, touches, deletes). */
    static ServerCount memcachedCalls() {
        InetSocketAddress a = Stores.address(Stores.MEMCACHED_URL);
        MemcachedClient client;
        try {
            client = new XMemcachedClientBuilder(a.getHostString() + ":" + a.getPort()).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new ServerCount() {
            @Override
            public long get() {
                try {
                    long total = 0;
                    for (Map<String, String> s : client.getStats().values()) {
                        for (String k : List.of("cmd_get", "cmd_set", "cmd_touch", "delete_hits", "delete_misses")) {
                            total += Long.parseLong(s.getOrDefault(k, "0"));
                        }
                    }
                    return total;
                } catch (Exception e) {
                    throw new IllegalStateException("memcached stats failed", e);
                }
            }

            @Override
            public void close() {
                try {
                    client.shutdown();
                } catch (IOException e) {
                    // closing
                }
            }
        };
    }
}
