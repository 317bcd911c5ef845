package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satchel.SessionKeys;
import dev.satchel.SessionManager;
import dev.satchel.file.FileSessionEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The cost of {@code clearExpired}: a store holding N sessions of which half are expired is swept,
 * while one thread keeps loading live sessions. Reports the sweep's time and the latency of those
 * loads (p50, p99) beside the sweep, compared with the same loads on the idle store just before.
 */
public final class Expiry {
    /** The small store of the scale comparison; the large one is the sweep's store. */
    static final int SMALL_STORE = 10_000;

    private Expiry() {}

    /** One engine's figures. */
    public record Result(
            String engine,
            int sessions,
            long removed,
            double sweepSeconds,
            double idleP50Micros,
            double idleP99Micros,
            long idleLoads,
            double sweepP50Micros,
            double sweepP99Micros,
            long sweepLoads,
            long storeBytes,
            long cacheBytes,
            String cache) {}

    public static void measure(BenchMain.Plan plan, Path out) throws IOException {
        List<Result> results = new ArrayList<>();
        List<Scale> scales = new ArrayList<>();
        for (EngineType t :
                List.of(EngineType.DB_SQLITE, EngineType.FILE, EngineType.DB_POSTGRES, EngineType.DB_MARIADB)) {
            if (!plan.engines().contains(t)) {
                continue;
            }
            try {
                System.out.println("scale: " + t + ", " + SMALL_STORE + " sessions");
                scales.add(scale(t, SMALL_STORE, Duration.ofSeconds(1)));
                System.out.println("expiry sweep and scale: " + t + ", " + plan.expirySessions() + " sessions");
                Result r = measure(t, plan.expirySessions(), Duration.ofSeconds(2));
                results.add(r);
                // The idle loads before the sweep ran on a store of all N sessions: the large scale point.
                scales.add(new Scale(
                        t.name(),
                        r.sessions(),
                        r.idleP50Micros(),
                        r.idleP99Micros(),
                        r.idleLoads(),
                        r.storeBytes(),
                        r.cacheBytes(),
                        r.cache()));
            } catch (RuntimeException | SQLException e) {
                System.err.println("expiry sweep or scale of " + t + " not measured: " + e);
            }
        }
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
        new ObjectMapper()
                .writerWithDefaultPrettyPrinter()
                .writeValue(out.resolveSibling("scale.json").toFile(), scales);
    }

    /** Measures one engine: {@code sessions} records, half expired; idle loads for {@code idle}. */
    public static Result measure(EngineType type, int sessions, Duration idle) throws SQLException {
        try (Fixture f = type.open(false)) {
            SessionManager m = f.manager();
            String[] liveKeys = populate(f, sessions, true);
            StoreSize size = StoreSize.of(f);
            f.clock().setOffset(Duration.ofMinutes(30));

            // Loads on the idle store (all sessions present), then the same loads beside the sweep.
            loads(m, liveKeys, Duration.ofMillis(300), null); // warm-up
            long[] idleLatencies = loads(m, liveKeys, idle, null);
            AtomicBoolean sweeping = new AtomicBoolean(true);
            long[] removed = {0};
            long[] sweepNanos = {0};
            Thread sweeper = new Thread(() -> {
                long t0 = System.nanoTime();
                try {
                    removed[0] = m.clearExpired().orElse(-1);
                } finally {
                    sweepNanos[0] = System.nanoTime() - t0;
                    sweeping.set(false);
                }
            });
            sweeper.start();
            long[] sweepLatencies = loads(m, liveKeys, null, sweeping);
            try {
                sweeper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Result(
                    type.name(),
                    sessions,
                    removed[0],
                    sweepNanos[0] / 1e9,
                    percentile(idleLatencies, 0.50),
                    percentile(idleLatencies, 0.99),
                    idleLatencies.length,
                    percentile(sweepLatencies, 0.50),
                    percentile(sweepLatencies, 0.99),
                    sweepLatencies.length,
                    size.storeBytes(),
                    size.cacheBytes(),
                    size.cache());
        }
    }

    /**
     * Stores {@code sessions} medium sessions; with {@code halfExpired}, every other one expires one
     * minute from now (the others in two hours), so moving the engine's clock 30 minutes ahead expires
     * exactly half. Files keep Satchel's own marks (modification time = expiry, after the change time).
     *
     * @return the keys of the sessions that stay live
     */
    static String[] populate(Fixture f, int sessions, boolean halfExpired) throws SQLException {
        String encoded = f.encode(Payload.MEDIUM.data());
        Instant now = Instant.now();
        Instant live = now.plus(Duration.ofHours(2));
        Instant dead = now.plus(Duration.ofMinutes(1));
        String[] liveKeys = new String[halfExpired ? sessions - sessions / 2 : sessions];
        if (f.type() == EngineType.FILE) {
            // Written as the engine writes (content, then modification time = expiry), minus its
            // fsync per file, so that setting up 100 000 sessions takes seconds rather than minutes.
            FileSessionEngine engine = (FileSessionEngine) f.manager().engine();
            byte[] bytes = encoded.getBytes(StandardCharsets.UTF_8);
            int n = 0;
            for (int i = 0; i < sessions; i++) {
                String key = SessionKeys.generate();
                boolean expired = halfExpired && i % 2 == 1;
                Path file = engine.fileOf(key);
                try {
                    Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    Files.setLastModifiedTime(file, FileTime.from(expired ? dead : live));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (!expired) {
                    liveKeys[n++] = key;
                }
            }
        } else {
            bulkInsert(f, encoded, sessions, live, halfExpired ? dead : null, liveKeys);
        }
        return liveKeys;
    }

    /** Load latency on a store holding {@code sessions} live sessions (the "should be flat" check). */
    public record Scale(
            String engine,
            int sessions,
            double p50Micros,
            double p99Micros,
            long loads,
            long storeBytes,
            long cacheBytes,
            String cache) {}

    /**
     * How large the store's table is and how much of it the server keeps in its own memory (the
     * reason loads can slow down as the store grows): -1 where the store has no such figure.
     */
    record StoreSize(long storeBytes, long cacheBytes, String cache) {
        static StoreSize of(Fixture f) {
            Map<String, String> db = f.manager().settings().engineProperties("satchel.db.");
            String url = db.get("url");
            String table = db.get("table");
            if (url == null) {
                return new StoreSize(-1, -1, "");
            }
            try (Connection c = DriverManager.getConnection(url);
                    java.sql.Statement st = c.createStatement()) {
                if (url.startsWith("jdbc:postgresql:")) {
                    return new StoreSize(
                            single(st, "SELECT pg_total_relation_size('" + table + "')"),
                            single(st, "SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers'"),
                            "shared_buffers");
                }
                if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
                    st.execute("ANALYZE TABLE " + table);
                    return new StoreSize(
                            single(
                                    st,
                                    "SELECT data_length + index_length FROM information_schema.tables"
                                            + " WHERE table_schema = DATABASE() AND table_name = '" + table + "'"),
                            single(st, "SELECT @@innodb_buffer_pool_size"),
                            "innodb_buffer_pool_size");
                }
                if (url.startsWith("jdbc:sqlite:")) {
                    long pages = single(st, "PRAGMA page_count");
                    long page = single(st, "PRAGMA page_size");
                    long cache = single(st, "PRAGMA cache_size");
                    // a negative cache_size is in KiB, a positive one in pages
                    return new StoreSize(
                            pages * page, cache < 0 ? -cache * 1024 : cache * page, "cache_size (per connection)");
                }
            } catch (SQLException e) {
                System.err.println("store size not read: " + e.getMessage());
            }
            return new StoreSize(-1, -1, "");
        }

        private static long single(java.sql.Statement st, String sql) throws SQLException {
            try (java.sql.ResultSet rs = st.executeQuery(sql)) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Measures loads for {@code duration} on a store of {@code sessions} live sessions. */
    public static Scale scale(EngineType type, int sessions, Duration duration) throws SQLException {
        try (Fixture f = type.open(false)) {
            String[] keys = populate(f, sessions, false);
            loads(f.manager(), keys, Duration.ofMillis(300), null); // warm-up
            long[] latencies = loads(f.manager(), keys, duration, null);
            StoreSize size = StoreSize.of(f);
            return new Scale(
                    type.name(),
                    sessions,
                    percentile(latencies, 0.50),
                    percentile(latencies, 0.99),
                    latencies.length,
                    size.storeBytes(),
                    size.cacheBytes(),
                    size.cache());
        }
    }

    /**
     * Loads random live sessions, each drawn from the whole key space (not a hot subset that would fit
     * the store's cache), and returns each load's latency in nanoseconds.
     */
    private static long[] loads(SessionManager m, String[] keys, Duration duration, AtomicBoolean until) {
        long[] latencies = new long[1 << 16];
        int n = 0;
        long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while ((until == null || until.get()) && System.nanoTime() < end) {
            String key = keys[random.nextInt(keys.length)];
            long t0 = System.nanoTime();
            if (m.session(key).size() == 0) {
                throw new IllegalStateException("a live session was not found during the sweep");
            }
            long t = System.nanoTime() - t0;
            if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = t;
        }
        return Arrays.copyOf(latencies, n);
    }

    static double percentile(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }

    private static void bulkInsert(
            Fixture f, String encoded, int sessions, Instant live, Instant dead, String[] liveKeys)
            throws SQLException {
        Map<String, String> db = f.manager().settings().engineProperties("satchel.db.");
        String url = db.get("url");
        String table = db.get("table");
        Floors.Sql sql = Floors.Sql.forUrl(url);
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO " + table + " (session_key, session_data, expire_date) VALUES (?, ?, ?)")) {
                int n = 0;
                for (int i = 0; i < sessions; i++) {
                    String key = SessionKeys.generate();
                    boolean expired = dead != null && i % 2 == 1;
                    ps.setString(1, key);
                    ps.setString(2, encoded);
                    sql.bind(ps, 3, expired ? dead : live);
                    ps.addBatch();
                    if (!expired) {
                        liveKeys[n++] = key;
                    }
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
                c.commit();
            }
        }
    }
}
