package dev.satchel.cache.internal;

import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionStoreUnavailableException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Redis through a Jedis connection pool. One command per operation: {@code GET}, {@code EXISTS},
 * {@code SET NX EX}, {@code SET EX}, {@code SET XX EX}, {@code DEL}, and one {@code EVAL} of a small
 * script for compare-and-set, all in Jedis's binary form: keys are UTF-8, values are the bytes their
 * string stands for in the value charset (UTF-8 for Satchel's format, Latin-1, one char per byte, for
 * pickles), so a pickle Django wrote reads back byte for byte. Connect, read and pool-wait times are all bounded by the timeout; broken
 * connections are dropped by the pool and replaced, so the store recovers by itself.
 *
 * <p>Only touched when the URL is {@code redis://} or {@code rediss://}, so Jedis stays optional.
 */
public final class RedisStore implements CacheStore {
    /** Replaces the value only if it is still the one read at load; keeps the TTL semantics of SET. */
    static final String COMPARE_AND_SET = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('SET', KEYS[1], ARGV[2], 'XX', 'EX', ARGV[3]) else return false end";

    /** True when the key holds the tombstone (ARGV[1]); a key of another type is not one. */
    private static final String IS_TOMBSTONE =
            "local t = redis.call('TYPE', KEYS[1])['ok'] == 'string' and redis.call('GET', KEYS[1]) == ARGV[1] ";

    /** SET ... EX unless the key holds the tombstone: 1 if written, 0 if not. */
    static final String SET_UNLESS_TOMBSTONE =
            IS_TOMBSTONE + "if t then return 0 end redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1";

    /** DEL unless the key holds the tombstone: -1 if it does. */
    static final String DELETE_UNLESS_TOMBSTONE =
            IS_TOMBSTONE + "if t then return -1 end return redis.call('DEL', KEYS[1])";

    /** DEL only if the key still holds ARGV[1]. */
    static final String COMPARE_AND_DELETE = "if redis.call('TYPE', KEYS[1])['ok'] == 'string' and "
            + "redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private final JedisPooled jedis;
    private final String where;
    private final long maxItemBytes;
    private final Charset values;
    private final byte[] tombstone;
    private final byte[] compareAndSet = utf8(COMPARE_AND_SET);
    private final byte[] setUnlessTombstone = utf8(SET_UNLESS_TOMBSTONE);
    private final byte[] deleteUnlessTombstone = utf8(DELETE_UNLESS_TOMBSTONE);
    private final byte[] compareAndDelete = utf8(COMPARE_AND_DELETE);

    public RedisStore(String url, Duration timeout, int poolSize, long maxItemBytes) {
        this(url, timeout, poolSize, maxItemBytes, null, StandardCharsets.UTF_8);
    }

    /**
     * A store over Jedis. For {@code rediss://}, {@code tls} supplies the socket factory (a custom
     * trust store) or {@code null} for the JVM's; the server's name or address is always verified
     * against its certificate.
     */
    public RedisStore(
            String url,
            Duration timeout,
            int poolSize,
            long maxItemBytes,
            SSLSocketFactory tlsFactory,
            Charset valueCharset) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new SessionConfigurationException("satchel.cache.url is not a valid Redis URL", e);
        }
        boolean tls = "rediss".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() < 0 ? 6379 : uri.getPort();
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .blockingSocketTimeoutMillis(millis)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .ssl(tls);
        if (tls) {
            SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            config.sslParameters(parameters);
            if (tlsFactory != null) {
                config.sslSocketFactory(tlsFactory);
            }
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                // redis://secret@host: the whole user info is the (default user's) password.
                config.password(decode(userInfo));
            } else {
                String user = decode(userInfo.substring(0, colon));
                if (!user.isEmpty()) {
                    config.user(user);
                }
                config.password(decode(userInfo.substring(colon + 1)));
            }
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            config.database(Integer.parseInt(path.substring(1)));
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(poolSize);
        pool.setMaxIdle(poolSize);
        pool.setMinIdle(0);
        pool.setMaxWait(timeout);
        pool.setBlockWhenExhausted(true);
        pool.setTestOnBorrow(false);
        pool.setTestWhileIdle(true);
        this.where = (tls ? "rediss://" : "redis://") + uri.getHost() + ":" + port;
        this.maxItemBytes = maxItemBytes;
        this.values = valueCharset;
        this.tombstone = TOMBSTONE.getBytes(valueCharset);
        this.jedis = new JedisPooled(pool, new HostAndPort(uri.getHost(), port), config.build());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * Runs one command; every failure becomes {@link SessionStoreUnavailableException} (see {@link
     * RedisReplies}).
     */
    private <T> T call(String what, Supplier<T> command) {
        return call(what, command, null, false);
    }

    /**
     * Runs one command that may run twice without undoing a later write: a read, a {@code DEL}, or a
     * conditional write ({@code NX}, {@code XX}, compare-and-set), never a plain {@code SET}, whose repeat
     * could outlive a delete that came between. If its pooled connection turns out dead (Redis restarted
     * or closed it: end of stream, reset; not a timeout), the pool's other idle connections are as dead,
     * so they are dropped and the command runs once more on a fresh connection: a restart then costs no
     * request a failure. (Should the first run have happened before the connection died, the repeat
     * of a conditional write reports a conflict, never a silent loss.) {@code WRONGTYPE} gives {@code
     * wrongType}'s answer when one is given.
     */
    private <T> T callRepeatable(String what, Supplier<T> command, Supplier<T> wrongType) {
        return call(what, command, wrongType, true);
    }

    private <T> T call(String what, Supplier<T> command, Supplier<T> wrongType, boolean repeatable) {
        try {
            return command.get();
        } catch (JedisException e) {
            if (wrongType != null && RedisReplies.isWrongType(e)) {
                return wrongType.get();
            }
            if (repeatable && RedisReplies.isDeadConnection(e)) {
                jedis.getPool().clear();
                return call(what, command, wrongType, false);
            }
            throw RedisReplies.unavailable(where, what, e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] value(String value) {
        return value.getBytes(values);
    }

    private static byte[] ttl(Ttl ttl) {
        return utf8(Long.toString(ttl.seconds()));
    }

    /** A status reply: a String from a command, raw bytes from a binary script. */
    private static boolean isOk(Object reply) {
        return "OK".equals(reply) || reply instanceof byte[] b && Arrays.equals(b, utf8("OK"));
    }

    @Override
    public Optional<Stored> get(String key) {
        // WRONGTYPE: the key holds something that is not a string, not one of ours, so no session.
        byte[] raw = callRepeatable("read a session (GET)", () -> jedis.get(utf8(key)), () -> null);
        if (raw == null) {
            return Optional.empty();
        }
        String value = new String(raw, values);
        return Optional.of(new Stored(value, value));
    }

    @Override
    public boolean contains(String key) {
        return callRepeatable("check a session (EXISTS)", () -> jedis.exists(utf8(key)), null);
    }

    @Override
    public boolean add(String key, String value, Ttl ttl) {
        return isOk(callRepeatable(
                "create a session (SET NX)",
                () -> jedis.set(utf8(key), value(value), params(ttl).nx()),
                null));
    }

    @Override
    public void set(String key, String value, Ttl ttl) {
        call("store a session (SET)", () -> jedis.set(utf8(key), value(value), params(ttl)));
    }

    @Override
    public boolean replace(String key, String value, Ttl ttl) {
        return isOk(callRepeatable(
                "update a session (SET XX)",
                () -> jedis.set(utf8(key), value(value), params(ttl).xx()),
                null));
    }

    @Override
    public boolean compareAndSet(String key, Object version, String value, Ttl ttl) {
        if (!(version instanceof String expected)) {
            return false;
        }
        // WRONGTYPE from the script's GET: the key now holds someone else's value, so it changed.
        Object reply = callRepeatable(
                "update a session if unchanged (EVAL)",
                () -> jedis.eval(compareAndSet, List.of(utf8(key)), List.of(value(expected), value(value), ttl(ttl))),
                () -> null);
        return isOk(reply);
    }

    @Override
    public void delete(String key) {
        callRepeatable("delete a session (DEL)", () -> jedis.del(utf8(key)), null);
    }

    /**
     * A plain {@code SET}, yet repeatable: nothing ever deletes a tombstone (only its expiry does), so
     * a repeat can only write the same tombstone again.
     */
    @Override
    public void putTombstone(String key, Ttl ttl) {
        callRepeatable("record a logout (SET tombstone)", () -> jedis.set(utf8(key), tombstone, params(ttl)), null);
    }

    /** Repeatable: the repeat writes the same lease, or meets a tombstone. */
    @Override
    public boolean setUnlessTombstone(String key, String value, Ttl ttl) {
        Object reply = callRepeatable(
                "store a session unless logged out (EVAL)",
                () -> jedis.eval(setUnlessTombstone, List.of(utf8(key)), List.of(tombstone, value(value), ttl(ttl))),
                null);
        return Long.valueOf(1).equals(reply);
    }

    @Override
    public boolean deleteUnlessTombstone(String key) {
        Object reply = callRepeatable(
                "invalidate a session unless logged out (EVAL)",
                () -> jedis.eval(deleteUnlessTombstone, List.of(utf8(key)), List.of(tombstone)),
                null);
        return Long.valueOf(-1).equals(reply);
    }

    /** The compare-and-set script, with the lease as the expected value; another type is no lease. */
    @Override
    public boolean compareValueAndSet(String key, String expected, String value, Ttl ttl) {
        Object reply = callRepeatable(
                "fill a session in place of its lease (EVAL)",
                () -> jedis.eval(compareAndSet, List.of(utf8(key)), List.of(value(expected), value(value), ttl(ttl))),
                () -> null);
        return isOk(reply);
    }

    @Override
    public void compareValueAndDelete(String key, String expected) {
        callRepeatable(
                "release a lease (EVAL)",
                () -> jedis.eval(compareAndDelete, List.of(utf8(key)), List.of(value(expected))),
                null);
    }

    @Override
    public long maxValueBytes(String key) {
        return maxItemBytes;
    }

    private static SetParams params(Ttl ttl) {
        return new SetParams().ex(ttl.seconds());
    }

    @Override
    public void close() {
        jedis.close();
    }

    @Override
    public String toString() {
        return "RedisStore{" + where + "}";
    }
}
