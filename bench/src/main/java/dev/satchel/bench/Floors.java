package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.satchel.SessionKeys;
import dev.satchel.db.internal.StatementCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.exception.MemcachedException;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/** The floors: each store used directly, with the client and bytes its engine uses. */
public final class Floors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** The name of the signed cookie's extra floor, {@link #signedCookie}. */
    public static final String HMAC_JACKSON = "hmac-jackson";

    private Floors() {}

    private static long nanosUntil(Instant expiry) {
        return Math.max(0, Instant.now().until(expiry, ChronoUnit.NANOS));
    }

    private static long ttlSeconds(Instant expiry) {
        return Math.max(1, Instant.now().until(expiry, ChronoUnit.SECONDS));
    }

    // ------------------------------------------------------------------ cookies

    /**
     * The signed cookie's floor: Django's {@code signed_cookies} codec done directly (Python-exact
     * JSON, zlib when it shrinks, base62 signing time, salted HMAC-SHA256), the least any cookie Django
     * can read costs. See {@link DjangoCookieFloor}.
     */
    public static Floor djangoSignedCookie(String secret, Duration maxAge, Clock clock) {
        return new DjangoCookieFloor(secret, maxAge, clock);
    }

    /**
     * HMAC-SHA256 over base64url(JSON by Jackson), with neither signing time, compression nor
     * Python's JSON: what signing costs with no format to honour (the signed cookie's extra floor
     * {@value #HMAC_JACKSON}).
     */
    public static Floor signedCookie(String secret) {
        byte[] key = sha256(("django.contrib.sessions.backends.signed_cookies" + "signer" + secret)
                .getBytes(StandardCharsets.UTF_8));
        ThreadLocal<Mac> macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        return new CookieFloor() {
            @Override
            public Object load(String cookie) {
                int colon = cookie.lastIndexOf(':');
                String value = cookie.substring(0, colon);
                byte[] expected = B64.encode(macs.get().doFinal(value.getBytes(StandardCharsets.US_ASCII)));
                if (!MessageDigest.isEqual(expected, cookie.substring(colon + 1).getBytes(StandardCharsets.US_ASCII))) {
                    throw new IllegalStateException("bad signature");
                }
                return readJson(B64D.decode(value));
            }

            @Override
            String write(Map<String, Object> data) {
                String value = B64.encodeToString(writeJson(data));
                return value + ':' + B64.encodeToString(macs.get().doFinal(value.getBytes(StandardCharsets.US_ASCII)));
            }
        };
    }

    /**
     * AES-256-GCM over the issue time and JSON by Jackson, base64url: the work an encrypted cookie
     * cannot avoid. The issue time (8 bytes, checked against {@code maxAge} on load) is what lets the
     * server refuse an old cookie, and the engine writes it too; the engine's compression, Python-exact
     * JSON and associated data are its own choices (its format has no Django counterpart), so the
     * floor leaves them out.
     */
    public static Floor encryptedCookie(String secret, Duration maxAge, Clock clock) {
        long maxAgeSeconds = maxAge.getSeconds();
        SecretKeySpec key = new SecretKeySpec(sha256(("encrypted" + secret).getBytes(StandardCharsets.UTF_8)), "AES");
        ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(() -> {
            try {
                return Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
        SecureRandom random = new SecureRandom();
        return new CookieFloor() {
            @Override
            public Object load(String cookie) {
                byte[] raw = B64D.decode(cookie);
                byte[] plain;
                try {
                    Cipher c = ciphers.get();
                    c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, 12));
                    plain = c.doFinal(raw, 12, raw.length - 12);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
                long issued = ByteBuffer.wrap(plain).getLong();
                if (clock.instant().getEpochSecond() - issued > maxAgeSeconds) {
                    throw new IllegalStateException("cookie issued over the cookie age ago");
                }
                return readJson(plain, Long.BYTES);
            }

            @Override
            String write(Map<String, Object> data) {
                byte[] json = writeJson(data);
                byte[] plain = new byte[Long.BYTES + json.length];
                ByteBuffer.wrap(plain).putLong(clock.instant().getEpochSecond()).put(json);
                byte[] nonce = new byte[12];
                random.nextBytes(nonce);
                try {
                    Cipher c = ciphers.get();
                    c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                    byte[] out = new byte[12 + c.getOutputSize(plain.length)];
                    System.arraycopy(nonce, 0, out, 0, 12);
                    c.doFinal(plain, 0, plain.length, out, 12);
                    return B64.encodeToString(out);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private abstract static class CookieFloor implements Floor {
        abstract String write(Map<String, Object> data);

        @Override
        public String save(String key, Map<String, Object> data, String encoded, Instant expiry) {
            return write(data);
        }

        @Override
        public String create(Map<String, Object> data, String encoded, Instant expiry) {
            return write(data);
        }

        @Override
        public void close() {}
    }

    private static byte[] writeJson(Object data) {
        try {
            return JSON.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Object readJson(byte[] bytes) {
        return readJson(bytes, 0);
    }

    private static Object readJson(byte[] bytes, int offset) {
        try {
            return JSON.readValue(bytes, offset, bytes.length - offset, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ file

    /**
     * A file read, and a durable write to a temporary file renamed over the target, its modification
     * time set to the expiry before the file is forced (as the engine does).
     */
    public static Floor file(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Floor() {
            @Override
            public Object load(String key) {
                try {
                    return new String(Files.readAllBytes(directory.resolve("floor" + key)), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public String save(String key, Map<String, Object> data, String encoded, Instant expiry) {
                // The file engine's durable write: content forced to disk, renamed, directory forced.
                try {
                    Path temp = Files.createTempFile(directory, "floor", ".tmp");
                    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                        ByteBuffer buf = ByteBuffer.wrap(encoded.getBytes(StandardCharsets.UTF_8));
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                        // The expiry goes in before the force, as the engine does, so it is durable too.
                        // The access time a second later, as the engine sets it (a read then writes no inode).
                        Files.getFileAttributeView(temp, BasicFileAttributeView.class)
                                .setTimes(FileTime.from(expiry), FileTime.from(expiry.plusSeconds(1)), null);
                        ch.force(true);
                    }
                    Files.move(
                            temp,
                            directory.resolve("floor" + key),
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
                        dir.force(true);
                    }
                    return key;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public String create(Map<String, Object> data, String encoded, Instant expiry) {
                return save(SessionKeys.generate(), data, encoded, expiry);
            }

            @Override
            public void close() {}
        };
    }

    /** One xmemcached call, its checked exceptions turned into unchecked ones. */
    private interface MemcachedCall<T> {
        T call() throws TimeoutException, InterruptedException, MemcachedException;
    }

    private static <T> T memcached(MemcachedCall<T> call) {
        try {
            return call.call();
        } catch (TimeoutException | MemcachedException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ caches

    /** A value with the instant it expires, as the engine keeps it in Caffeine. */
    private record Expiring(String value, Instant expiry) {}

    /**
     * A Caffeine cache configured as the engine's (the same bound, each entry expiring at its own
     * instant, maintenance on the calling thread): get, put, and putIfAbsent to create.
     */
    public static Floor caffeine() {
        Cache<String, Expiring> cache = Caffeine.newBuilder()
                .maximumSize(100_000)
                .executor(Runnable::run)
                .expireAfter(new com.github.benmanes.caffeine.cache.Expiry<String, Expiring>() {
                    @Override
                    public long expireAfterCreate(String key, Expiring e, long currentTime) {
                        return nanosUntil(e.expiry());
                    }

                    @Override
                    public long expireAfterUpdate(String key, Expiring e, long currentTime, long currentDuration) {
                        return nanosUntil(e.expiry());
                    }

                    @Override
                    public long expireAfterRead(String key, Expiring e, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
        return new Floor() {
            @Override
            public Object load(String key) {
                Expiring e = cache.getIfPresent(key);
                return e == null ? null : e.value();
            }

            @Override
            public String save(String key, Map<String, Object> data, String encoded, Instant expiry) {
                cache.put(key, new Expiring(encoded, expiry));
                return key;
            }

            @Override
            public String create(Map<String, Object> data, String encoded, Instant expiry) {
                String key = SessionKeys.generate();
                cache.asMap().putIfAbsent(key, new Expiring(encoded, expiry));
                return key;
            }

            @Override
            public void close() {}
        };
    }

    /** Redis through Jedis: GET, SET EX, and SET NX EX to create. */
    public static Floor redis(String url, String keyPrefix) {
        InetSocketAddress a = Stores.address(url);
        JedisPooled jedis = new JedisPooled(a.getHostString(), a.getPort());
        return new Floor() {
            @Override
            public Object load(String key) {
                return jedis.get(keyPrefix + key);
            }

            @Override
            public String save(String key, Map<String, Object> data, String encoded, Instant expiry) {
                jedis.set(keyPrefix + key, encoded, SetParams.setParams().ex(ttlSeconds(expiry)));
                return key;
            }

            @Override
            public String create(Map<String, Object> data, String encoded, Instant expiry) {
                String key = SessionKeys.generate();
                jedis.set(keyPrefix + key, encoded, SetParams.setParams().nx().ex(ttlSeconds(expiry)));
                return key;
            }

            @Override
            public void close() {
                jedis.close();
            }
        };
    }

    /** memcached through xmemcached: get, set, and add to create. */
    public static Floor memcached(String url, String keyPrefix) {
        InetSocketAddress a = Stores.address(url);
        MemcachedClient client;
        try {
            client = new XMemcachedClientBuilder(a.getHostString() + ":" + a.getPort()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Floor() {
            @Override
            public Object load(String key) {
                try {
                    return client.get(keyPrefix + key);
                } catch (TimeoutException | MemcachedException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public String save(String key, Map<String, Object> data, String encoded, Instant expiry) {
                memcached(() -> client.set(keyPrefix + key, (int) ttlSeconds(expiry), encoded));
                return key;
            }

            @Override
            public String create(Map<String, Object> data, String encoded, Instant expiry) {
                String key = SessionKeys.generate();
                memcached(() -> client.add(keyPrefix + key, (int) ttlSeconds(expiry), encoded));
                return key;
            }

            @Override
            public void close() {
                try {
                    client.shutdown();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    // ------------------------------------------------------------------ databases

    /**
     * One JDBC statement per operation through HikariCP, the engine's: a SELECT, an UPDATE of the data
     * and the fresh {@code expire_date}, an INSERT. On SQLite, whose driver keeps no statement cache,
     * each statement is prepared once per connection, as the engine's {@code StatementCache} does: a
     * floor that compiled its SQL on every call would be slower than the engine on small sessions.
     */
    public static Floor jdbc(String url, String table, UnaryOperator<DataSource> wrap) {
        Sql sql = Sql.forUrl(url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("floor-" + table);
        if (sql == Sql.SQLITE) {
            // The settings the db engine gives SQLite.
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("busy_timeout", "5000");
            config.setMaximumPoolSize(4);
        }
        HikariDataSource pool = new HikariDataSource(config);
        DataSource ds = wrap.apply(pool);
        StatementCache statements = sql == Sql.SQLITE ? new StatementCache(org.sqlite.SQLiteConnection.class) : null;
        String select = "SELECT session_data, expire_date FROM " + table + " WHERE session_key = ? AND expire_date > ?";
        String insert = "INSERT INTO " + table + " (session_key, session_data, expire_date) VALUES (?, ?, ?)";
        String update = "UPDATE " + table + " SET session_data = ?, expire_date = ? WHERE session_key = ?";
        return new Floor() {
            @Override
            public Object load(String key) {
                try (Connection c = ds.getConnection();
                        PreparedStatement ps = prepare(statements, c, select)) {
                    ps.setString(1, key);
                    sql.bind(ps, 2, Instant.now());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? new Row(rs.getString(1), rs.getObject(2)) : null;
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public String save(String key, Map<String, Object> data, String encoded, Instant expiry) {
                try (Connection c = ds.getConnection();
                        PreparedStatement ps = prepare(statements, c, update)) {
                    ps.setString(1, encoded);
                    sql.bind(ps, 2, expiry);
                    ps.setString(3, key);
                    if (ps.executeUpdate() != 1) {
                        throw new IllegalStateException("no row to update for a floor key");
                    }
                    return key;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public String create(Map<String, Object> data, String encoded, Instant expiry) {
                String key = SessionKeys.generate();
                try (Connection c = ds.getConnection();
                        PreparedStatement ps = prepare(statements, c, insert)) {
                    ps.setString(1, key);
                    ps.setString(2, encoded);
                    sql.bind(ps, 3, expiry);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return key;
            }

            @Override
            public void close() {
                pool.close();
            }
        };
    }

    private static PreparedStatement prepare(StatementCache statements, Connection c, String sql) throws SQLException {
        return statements == null ? c.prepareStatement(sql) : statements.prepare(c, sql);
    }

    /** The name of every server-side engine's extra floor: its store alone, with the engine's bytes ready-made. */
    public static final String RAW = "raw";

    /**
     * A server-side store's floor with Django's codec done by hand ({@link DjangoCodec}, the salt of
     * Django's server-side backends): every write encodes the session anew (signed now, as the engine
     * signs), every read checks and parses what the store returned. The least a Django-compatible
     * engine on that store can cost, so the ratio shows what Satchel adds beyond the store and the
     * format. The store itself is {@code raw}, closed by its owner.
     */
    public static Floor withDjangoCodec(Floor raw, DjangoCodec codec) {
        return new Floor() {
            @Override
            public Object load(String key) {
                Object stored = raw.load(key);
                if (stored instanceof Row row) {
                    stored = row.data();
                }
                if (!(stored instanceof String value)) {
                    throw new IllegalStateException("the floor found no session under its own key");
                }
                return codec.decode(value);
            }

            @Override
            public String save(String key, Map<String, Object> data, String encoded, Instant expiry) {
                return raw.save(key, data, codec.encode(data), expiry);
            }

            @Override
            public String create(Map<String, Object> data, String encoded, Instant expiry) {
                return raw.create(data, codec.encode(data), expiry);
            }

            @Override
            public void close() {}
        };
    }

    /** A database row as the JDBC floor reads it: both columns the engine reads. */
    record Row(String data, Object expiry) {}

    /** cached_db's floor: the database write plus the cache write; loads come from the cache. */
    public static Floor cachedDb(Floor db, Floor cache) {
        return new Floor() {
            @Override
            public Object load(String key) {
                return cache.load(key);
            }

            @Override
            public String save(String key, Map<String, Object> data, String encoded, Instant expiry) {
                db.save(key, data, encoded, expiry);
                return cache.save(key, data, encoded, expiry);
            }

            @Override
            public String create(Map<String, Object> data, String encoded, Instant expiry) {
                String key = db.create(data, encoded, expiry);
                return cache.save(key, data, encoded, expiry);
            }

            @Override
            public void close() {
                try (db) {
                    cache.close();
                }
            }
        };
    }

    /** How each database takes {@code expire_date} (as Django stores it). */
    enum Sql {
        SQLITE,
        POSTGRES,
        MARIADB;

        private static final DateTimeFormatter SQLITE_FORMAT =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

        static Sql forUrl(String url) {
            if (url.startsWith("jdbc:sqlite:")) {
                return SQLITE;
            }
            if (url.startsWith("jdbc:postgresql:")) {
                return POSTGRES;
            }
            return MARIADB;
        }

        void bind(PreparedStatement ps, int index, Instant instant) throws SQLException {
            Instant t = instant.truncatedTo(ChronoUnit.MICROS);
            switch (this) {
                case SQLITE -> ps.setString(index, SQLITE_FORMAT.format(LocalDateTime.ofInstant(t, ZoneOffset.UTC)));
                case POSTGRES -> ps.setObject(index, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
                case MARIADB -> ps.setObject(index, LocalDateTime.ofInstant(t, ZoneOffset.UTC));
            }
        }
    }
}
