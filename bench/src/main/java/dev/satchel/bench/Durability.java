package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.db.DbSessionEngine;
import dev.satchel.db.DbSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.sql.DataSource;
import redis.clients.jedis.Jedis;

/**
 * How durable each store of a run was: what a save had reached when it returned, read from the
 * servers themselves (PostgreSQL, MariaDB, Redis), from a connection opened exactly as the db engine
 * and its floor open SQLite, and from what the file engine's code forces to disk. A benchmark that
 * compares stores is only fair to a reader who knows which of them waited for the disk.
 *
 * <p>Each store gets a one-sentence verdict derived from its settings by {@link #verdict}; a store
 * that cannot be asked is listed with the error instead of settings.
 */
public final class Durability {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the file engine forces to disk, from {@code engine-file}'s {@code SessionDirectory}. */
    static final Map<String, String> FILE_ENGINE_POLICY = linked(
            "save",
            "temporary file written, FileChannel.force(true) (fsync), atomic rename (a hard link for a create),"
                    + " then the directory forced",
            "delete",
            "unlink, then the directory forced",
            "sweep",
            "expired files unlinked without a force each; the directory forced once at the end",
            "directory force failure",
            "ignored (Windows, or a filesystem that refuses fsync on a directory)");

    /** One store: the engines of the run that used it, its settings as read, and what they mean. */
    public record Store(String store, List<String> engines, Map<String, String> settings, String verdict) {}

    /** What {@code durability.json} holds. */
    public record Settings(List<Store> stores) {
        /** Writes this as indented JSON. */
        public void write(Path file) throws IOException {
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
        }

        /** Reads a file written by {@link #write}. */
        public static Settings read(Path file) throws IOException {
            return JSON.readValue(file.toFile(), Settings.class);
        }
    }

    private Durability() {}

    /** Reads the durability settings of every store the engines of a run use. */
    public static Settings describe(Set<EngineType> engines) {
        List<Store> stores = new ArrayList<>();
        List<String> pg = labels(engines, EngineType.DB_POSTGRES, EngineType.CACHED_DB);
        if (!pg.isEmpty()) {
            stores.add(store("PostgreSQL", pg, Durability::postgres));
        }
        List<String> maria = labels(engines, EngineType.DB_MARIADB);
        if (!maria.isEmpty()) {
            stores.add(store("MariaDB", maria, Durability::mariadb));
        }
        List<String> redis = labels(engines, EngineType.CACHE_REDIS, EngineType.CACHED_DB);
        if (!redis.isEmpty()) {
            stores.add(store("Redis", redis, Durability::redis));
        }
        List<String> memcached = labels(engines, EngineType.CACHE_MEMCACHED);
        if (!memcached.isEmpty()) {
            stores.add(new Store("memcached", memcached, Map.of(), verdict("memcached", Map.of())));
        }
        List<String> sqlite = labels(engines, EngineType.DB_SQLITE);
        if (!sqlite.isEmpty()) {
            stores.add(store("SQLite", sqlite, Durability::sqlite));
        }
        List<String> file = labels(engines, EngineType.FILE);
        if (!file.isEmpty()) {
            stores.add(store("file", file, Durability::file));
        }
        List<String> caffeine = labels(engines, EngineType.CACHE_CAFFEINE);
        if (!caffeine.isEmpty()) {
            stores.add(new Store("Caffeine", caffeine, Map.of(), verdict("Caffeine", Map.of())));
        }
        List<String> cookies = labels(engines, EngineType.SIGNED_COOKIES, EngineType.ENCRYPTED_COOKIES);
        if (!cookies.isEmpty()) {
            stores.add(new Store("cookies", cookies, Map.of(), verdict("cookies", Map.of())));
        }
        return new Settings(stores);
    }

    /** Reads the settings of one store; what could be read is kept. */
    @FunctionalInterface
    interface Reader {
        Map<String, String> read() throws Exception;
    }

    private static Store store(String name, List<String> engines, Reader reader) {
        Map<String, String> settings;
        try {
            settings = reader.read();
        } catch (Exception e) {
            String error = "could not read the settings: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null
                            ? ""
                            : ": " + e.getMessage().lines().findFirst().orElse(""));
            return new Store(name, engines, Map.of(), error);
        }
        return new Store(name, engines, settings, verdict(name, settings));
    }

    /**
     * What a store's settings mean for a session saved just before a crash of the server process or of
     * the machine (power loss), in one sentence.
     */
    static String verdict(String store, Map<String, String> s) {
        return switch (store) {
            case "PostgreSQL" -> {
                if (!"on".equals(s.get("fsync"))) {
                    yield "fsync is off: nothing is forced to disk, a machine crash can lose or corrupt committed"
                            + " sessions";
                }
                String sc = s.getOrDefault("synchronous_commit", "?");
                if (sc.equals("off")) {
                    yield "a commit returns before its WAL is flushed: a machine crash loses the last commits"
                            + " (up to three wal_writer_delay periods), never corrupts";
                }
                yield "a commit returns after its WAL is flushed to disk (" + s.getOrDefault("wal_sync_method", "?")
                        + "): a committed session survives a machine crash";
            }
            case "MariaDB" -> {
                String flush = s.getOrDefault("innodb_flush_log_at_trx_commit", "?");
                String trx =
                        switch (flush) {
                            case "1" ->
                                "the InnoDB redo log is flushed to disk at every commit: a committed session"
                                        + " survives a machine crash";
                            case "2" ->
                                "the redo log is written at commit but flushed about once a second: a"
                                        + " machine crash loses up to a second of commits";
                            case "0" ->
                                "the redo log is written and flushed about once a second: even a server"
                                        + " crash loses up to a second of commits";
                            default -> "innodb_flush_log_at_trx_commit is " + flush;
                        };
                yield trx
                        + (("ON".equalsIgnoreCase(s.get("log_bin")))
                                ? "; binary log on, sync_binlog=" + s.getOrDefault("sync_binlog", "?")
                                : "; binary log off (sync_binlog does not apply)");
            }
            case "Redis" -> {
                String save = s.getOrDefault("save", "");
                if ("yes".equals(s.get("appendonly"))) {
                    String fsync = s.getOrDefault("appendfsync", "?");
                    yield switch (fsync) {
                        case "always" ->
                            "append-only file fsynced at every write: a saved session survives a" + " machine crash";
                        case "everysec" ->
                            "append-only file fsynced once a second: a machine crash loses up to"
                                    + " about a second of writes";
                        default ->
                            "append-only file written, fsync left to the OS (appendfsync " + fsync
                                    + "): a machine crash loses what the OS had not written";
                    };
                }
                if (save.isBlank()) {
                    yield "no append-only file and no RDB snapshots: every session is in memory only and a"
                            + " restart loses them all";
                }
                yield "no append-only file; RDB snapshots only (save " + save
                        + "): a restart loses every write since the last snapshot";
            }
            case "memcached" -> "memory only, no persistence at all: a restart loses every session";
            case "Caffeine" -> "the benchmark JVM's heap: nothing leaves the process";
            case "cookies" -> "the session lives in the client's cookie: nothing is stored on the server";
            case "SQLite" -> {
                String journal = s.getOrDefault("engine journal_mode", "?");
                String sync = s.getOrDefault("engine synchronous", "?");
                String v;
                if (journal.equalsIgnoreCase("wal")) {
                    v = switch (sync) {
                        case "FULL", "EXTRA" ->
                            "WAL synced at every commit: a committed session survives a" + " machine crash";
                        case "NORMAL" ->
                            "WAL synced only at checkpoints: a machine crash can lose the last"
                                    + " commits, never corrupts; a process crash loses nothing";
                        case "OFF" -> "no sync at all: a machine crash can lose or corrupt committed sessions";
                        default -> "journal_mode WAL, synchronous " + sync;
                    };
                } else {
                    v = "journal_mode " + journal + ", synchronous " + sync;
                }
                boolean same = journal.equals(s.get("floor journal_mode")) && sync.equals(s.get("floor synchronous"));
                yield v + (same ? "; the floor runs with the same settings" : "; the floor's settings differ");
            }
            case "file" -> {
                String dirSync = s.getOrDefault("directory fsync here", "?");
                yield "file content and directory forced at every save: a saved session survives a machine" + " crash"
                        + (dirSync.startsWith("accepted") ? "" : " (but a directory fsync was " + dirSync + ")");
            }
            default -> "";
        };
    }

    // ------------------------------------------------------------------ readers

    private static Map<String, String> postgres() throws SQLException {
        Map<String, String> s = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(Stores.POSTGRES_URL);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT name, setting FROM pg_settings WHERE name IN ('fsync',"
                        + " 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'data_directory')"
                        + " ORDER BY name")) {
            while (rs.next()) {
                s.put(rs.getString(1), rs.getString(2));
            }
        }
        addFilesystem(s, "data_directory", Stores.POSTGRES_URL);
        return ordered(s, "fsync", "synchronous_commit", "wal_sync_method", "full_page_writes", "data_directory");
    }

    private static Map<String, String> mariadb() throws SQLException {
        Map<String, String> s = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(Stores.MARIADB_URL);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN"
                        + " ('innodb_flush_log_at_trx_commit', 'sync_binlog', 'log_bin', 'datadir')")) {
            while (rs.next()) {
                s.put(rs.getString(1), rs.getString(2));
            }
        }
        addFilesystem(s, "datadir", Stores.MARIADB_URL);
        return ordered(s, "innodb_flush_log_at_trx_commit", "sync_binlog", "log_bin", "datadir");
    }

    private static Map<String, String> redis() {
        InetSocketAddress a = Stores.address(Stores.REDIS_URL);
        Map<String, String> s = new LinkedHashMap<>();
        try (Jedis jedis = new Jedis(a.getHostString(), a.getPort())) {
            // One parameter per CONFIG GET: Redis before 7 takes a single pattern.
            for (String key : List.of("appendonly", "appendfsync", "save", "dir")) {
                s.putAll(jedis.configGet(key));
            }
        }
        addFilesystem(s, "dir", Stores.REDIS_URL);
        return ordered(s, "appendonly", "appendfsync", "save", "dir");
    }

    /**
     * Opens a db engine on a fresh SQLite file in the temporary directory (where the benchmark puts
     * its own), exactly as the benchmark does, and asks its pool's connection; then the same for the
     * floor's pool.
     */
    private static Map<String, String> sqlite() throws IOException, SQLException {
        Path dir = Files.createTempDirectory("satchel-durability-");
        try {
            String url = "jdbc:sqlite:" + dir.resolve("sessions.sqlite3");
            Map<String, String> s = new LinkedHashMap<>();
            AtomicReference<DataSource> pool = new AtomicReference<>();
            SessionSettings settings = SessionSettings.builder()
                    .secretKey(EngineType.SECRET)
                    .engine(DbSessionEngine.NAME)
                    .engineProperty(DbSettings.URL, url)
                    .engineProperty(DbSettings.TABLE, "durability_probe")
                    .build();
            try (SessionManager m = SessionManager.builder(settings)
                    .engine(ctx -> DbSessionEngine.builder(ctx)
                            .wrapDataSource(ds -> {
                                pool.set(ds);
                                return ds;
                            })
                            .build())
                    .build()) {
                pragmas(pool.get(), "engine", s);
            }
            try (Floor floor = Floors.jdbc(url, "durability_probe", ds -> {
                pool.set(ds);
                return ds;
            })) {
                pragmas(pool.get(), "floor", s);
            }
            s.put("directory", dir.getParent().toString());
            addFilesystem(s, "directory", null);
            return s;
        } finally {
            deleteTree(dir);
        }
    }

    private static void pragmas(DataSource ds, String who, Map<String, String> s) throws SQLException {
        try (Connection c = ds.getConnection();
                Statement st = c.createStatement()) {
            s.put(who + " journal_mode", single(st, "PRAGMA journal_mode"));
            s.put(who + " synchronous", synchronousName(single(st, "PRAGMA synchronous")));
        }
    }

    /** SQLite reports {@code PRAGMA synchronous} as a number. */
    static String synchronousName(String level) {
        return switch (level) {
            case "0" -> "OFF";
            case "1" -> "NORMAL";
            case "2" -> "FULL";
            case "3" -> "EXTRA";
            default -> level;
        };
    }

    /**
     * The file engine's policy (from its code) and whether this machine's temporary directory, where
     * the benchmark keeps its session files, accepts a directory fsync (the engine ignores a refusal).
     */
    private static Map<String, String> file() throws IOException {
        Map<String, String> s = new LinkedHashMap<>(FILE_ENGINE_POLICY);
        Path dir = Files.createTempDirectory("satchel-durability-");
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
            s.put("directory fsync here", "accepted");
        } catch (IOException | UnsupportedOperationException e) {
            s.put("directory fsync here", "refused (" + e.getClass().getSimpleName() + ")");
        } finally {
            deleteTree(dir);
        }
        s.put("directory", dir.getParent().toString());
        addFilesystem(s, "directory", null);
        return s;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Adds the filesystem type under {@code <key> filesystem} when the directory named by {@code key}
     * exists on this machine and the store is on loopback (or local, {@code url} null): a tmpfs would
     * make every fsync free.
     */
    private static void addFilesystem(Map<String, String> s, String key, String url) {
        String dir = s.get(key);
        if (dir == null || dir.isBlank()) {
            return;
        }
        if (url != null) {
            String host = Stores.address(url).getHostString();
            if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
                return;
            }
        }
        try {
            s.put(key + " filesystem", Files.getFileStore(Path.of(dir)).type());
        } catch (IOException | RuntimeException e) {
            // not visible from here (another container, no permission)
        }
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "?";
        }
    }

    private static List<String> labels(Set<EngineType> engines, EngineType... of) {
        List<String> l = new ArrayList<>();
        for (EngineType e : of) {
            if (engines.contains(e)) {
                l.add(e.label());
            }
        }
        return l;
    }

    private static Map<String, String> ordered(Map<String, String> s, String... keys) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String k : keys) {
            if (s.containsKey(k)) {
                o.put(k, s.get(k));
            }
            if (s.containsKey(k + " filesystem")) {
                o.put(k + " filesystem", s.get(k + " filesystem"));
            }
        }
        s.forEach(o::putIfAbsent);
        return o;
    }

    private static Map<String, String> linked(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; the OS cleans it
        }
    }
}
