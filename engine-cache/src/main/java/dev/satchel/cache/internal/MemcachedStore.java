package dev.satchel.cache.internal;

import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.SessionTooLargeException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.exception.MemcachedDecodeException;
import net.rubyeye.xmemcached.exception.MemcachedException;
import net.rubyeye.xmemcached.exception.MemcachedServerException;
import net.rubyeye.xmemcached.exception.UnknownCommandException;
import net.rubyeye.xmemcached.impl.KetamaMemcachedSessionLocator;
import net.rubyeye.xmemcached.transcoders.CachedData;
import net.rubyeye.xmemcached.transcoders.CompressionMode;
import net.rubyeye.xmemcached.transcoders.Transcoder;

/**
 * memcached through xmemcached, with consistent hashing (Ketama) over several servers so losing one
 * node loses only its share of sessions. One command per operation: {@code gets}, {@code add}, {@code
 * set}, {@code replace}, {@code cas}, {@code delete}. Every wait is bounded by the timeout; xmemcached
 * reconnects to a server that comes back by itself.
 *
 * <p>Only touched when the URL is {@code memcached://}, so xmemcached stays optional.
 */
public final class MemcachedStore implements CacheStore {
    /** The largest relative time to live memcached accepts; above it, a number is read as a date. */
    public static final long MAX_RELATIVE_TTL = 30L * 24 * 3600;

    /** How often a conditional write re-reads an entry that changed under it before giving up. */
    static final int CAS_ATTEMPTS = 8;

    /** An expiration memcached reads as a Unix time in 1970: the item expires at once. */
    static final int EXPIRED = (int) MAX_RELATIVE_TTL + 1;

    /** Python's pickle flag in pymemcache (Django's memcached client), set on the tombstone. */
    static final int PICKLE_FLAG = 1;

    /** Room kept for the key and memcached's item header within the item size limit. */
    static final int ITEM_OVERHEAD = 256;

    private final MemcachedClient client;
    private final long timeoutMillis;
    private final long maxItemBytes;
    private final Clock clock;
    private final String where;

    public MemcachedStore(String url, Duration timeout, long maxItemBytes, Clock clock) {
        this(url, timeout, maxItemBytes, clock, false);
    }

    /**
     * A store over xmemcached; with {@code pickles}, every value is a pickle (Latin-1, one char per
     * byte) stored with pymemcache's pickle flag, and a value stored with other flags reads as empty
     * (see {@link PickleTranscoder}).
     */
    public MemcachedStore(String url, Duration timeout, long maxItemBytes, Clock clock, boolean pickles) {
        String servers = url.substring("memcached://".length());
        if (servers.endsWith("/")) {
            servers = servers.substring(0, servers.length() - 1);
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String server : servers.split(",")) {
            String s = server.trim();
            int colon = s.lastIndexOf(':');
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            addresses.add(InetSocketAddress.createUnresolved(host, Integer.parseInt(s.substring(colon + 1))));
        }
        List<InetSocketAddress> resolved = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            resolved.add(new InetSocketAddress(a.getHostString(), a.getPort()));
        }
        this.timeoutMillis = Math.max(1, timeout.toMillis());
        this.maxItemBytes = maxItemBytes;
        this.clock = clock;
        this.where = "memcached://" + servers;
        XMemcachedClientBuilder builder = new XMemcachedClientBuilder(resolved);
        builder.setSessionLocator(new KetamaMemcachedSessionLocator());
        builder.setConnectTimeout(timeoutMillis);
        builder.setOpTimeout(timeoutMillis);
        builder.setEnableHealSession(true);
        builder.setHealSessionInterval(Math.min(1000, timeoutMillis));
        builder.setFailureMode(false);
        builder.setTranscoder(pickles ? new PickleTranscoder() : new TextTranscoder());
        builder.setName("satchel-memcached");
        try {
            this.client = builder.build();
        } catch (IOException e) {
            throw new SessionStoreUnavailableException("memcached at " + where + " could not be set up", e);
        }
        // A few timeouts in a row (a frozen server) drop the connection so a fresh one replaces it.
        client.setTimeoutExceptionThreshold(3);
    }

    /**
     * The expiration time memcached must be sent for a time to live: up to 30 days it is the number of
     * seconds; above, memcached reads the number as a Unix time, so the absolute time is sent (as
     * Django does: {@code int(time.time() + timeout)}).
     */
    public static long expiration(long ttlSeconds, Instant now) {
        return ttlSeconds <= MAX_RELATIVE_TTL ? ttlSeconds : now.getEpochSecond() + ttlSeconds;
    }

    private int exp(Ttl ttl) {
        return (int) Math.min(Integer.MAX_VALUE, expiration(ttl.seconds(), clock.instant()));
    }

    @FunctionalInterface
    private interface Command<T> {
        T run() throws TimeoutException, InterruptedException, MemcachedException;
    }

    private <T> T call(String what, Command<T> command) {
        try {
            return command.run();
        } catch (TimeoutException e) {
            throw new SessionStoreUnavailableException(
                    "memcached at " + where + " did not answer " + what + " within " + timeoutMillis + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionStoreUnavailableException("interrupted while waiting for memcached to " + what, e);
        } catch (MemcachedServerException e) {
            String message = withoutKey(String.valueOf(e.getMessage()));
            if (message.contains("too large")) {
                throw new SessionTooLargeException("memcached at " + where + " refused the session as too large ("
                        + message + "); raise memcached's -I item size or store less data");
            }
            // SERVER_ERROR out of memory (under -M) and any other server-side refusal: nothing was stored
            // and the data may be intact, so it is the store being unavailable, never a silent success.
            throw new SessionStoreUnavailableException(
                    "memcached at " + where + " refused to " + what + " (SERVER_ERROR " + message + "): "
                            + (message.contains("out of memory")
                                    ? "its memory is full and eviction is off (-M); give it more memory (-m) or"
                                            + " allow eviction"
                                    : "see the memcached log"),
                    e);
        } catch (MemcachedException e) {
            throw new SessionStoreUnavailableException(
                    "memcached at " + where + " could not " + what + " (" + e.getMessage() + ")", e);
        } catch (IllegalStateException e) {
            // The client was shut down, or has no connection it can use.
            throw new SessionStoreUnavailableException("memcached at " + where + " could not " + what, e);
        } catch (UnknownCommandException | MemcachedDecodeException e) {
            // A reply xmemcached could not use ("ERROR", a garbled line): not a session, not an answer.
            throw new SessionStoreUnavailableException(
                    "memcached at " + where + " gave an unusable reply to " + what + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * xmemcached appends {@code ,key=<cache key>} to server errors; the cache key holds the session key,
     * a bearer secret that must not reach logs, so it is cut off.
     */
    static String withoutKey(String message) {
        int at = message.indexOf(",key=");
        return at < 0 ? message : message.substring(0, at);
    }

    @Override
    public Optional<Stored> get(String key) {
        GetsResponse<String> r = call("read a session (gets)", () -> client.gets(key, timeoutMillis));
        return r == null || r.getValue() == null ? Optional.empty() : Optional.of(new Stored(r.getValue(), r.getCas()));
    }

    @Override
    public boolean contains(String key) {
        return call("check a session (get)", () -> client.get(key, timeoutMillis)) != null;
    }

    @Override
    public boolean add(String key, String value, Ttl ttl) {
        return call("create a session (add)", () -> client.add(key, exp(ttl), value, timeoutMillis));
    }

    @Override
    public void set(String key, String value, Ttl ttl) {
        call("store a session (set)", () -> client.set(key, exp(ttl), value, timeoutMillis));
    }

    @Override
    public boolean replace(String key, String value, Ttl ttl) {
        return call("update a session (replace)", () -> client.replace(key, exp(ttl), value, timeoutMillis));
    }

    @Override
    public boolean compareAndSet(String key, Object version, String value, Ttl ttl) {
        if (!(version instanceof Long cas)) {
            return false;
        }
        return call("update a session if unchanged (cas)", () -> client.cas(key, exp(ttl), value, timeoutMillis, cas));
    }

    @Override
    public void delete(String key) {
        call("delete a session (delete)", () -> client.delete(key, timeoutMillis));
    }

    /** The tombstone goes with the pickle flag (see {@link TextTranscoder}), so Django unpickles it to {}. */
    @Override
    public void putTombstone(String key, Ttl ttl) {
        call("record a logout (set tombstone)", () -> client.set(key, exp(ttl), TOMBSTONE, timeoutMillis));
    }

    /** {@code gets}, then {@code add} (no entry) or {@code cas} (not a tombstone), retried if the entry changed. */
    @Override
    public boolean setUnlessTombstone(String key, String value, Ttl ttl) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            GetsResponse<String> r = call("read a session (gets)", () -> client.gets(key, timeoutMillis));
            if (r == null || r.getValue() == null) {
                if (call("store a session (add)", () -> client.add(key, exp(ttl), value, timeoutMillis))) {
                    return true;
                }
            } else if (TOMBSTONE.equals(r.getValue())) {
                return false;
            } else if (call(
                    "store a session (cas)", () -> client.cas(key, exp(ttl), value, timeoutMillis, r.getCas()))) {
                return true;
            }
        }
        throw new SessionStoreUnavailableException(
                "memcached at " + where + " kept changing the entry under a" + " conditional write (" + CAS_ATTEMPTS
                        + " attempts)",
                null);
    }

    /**
     * {@code gets}, then a {@code cas} with an absolute expiry in 1970 (memcached expires the item at
     * once): the text protocol has no conditional delete.
     */
    @Override
    public boolean deleteUnlessTombstone(String key) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            GetsResponse<String> r = call("read a session (gets)", () -> client.gets(key, timeoutMillis));
            if (r == null || r.getValue() == null) {
                return false;
            }
            if (TOMBSTONE.equals(r.getValue())) {
                return true;
            }
            if (call(
                    "invalidate a session (cas)",
                    () -> client.cas(key, EXPIRED, r.getValue(), timeoutMillis, r.getCas()))) {
                return false;
            }
        }
        throw new SessionStoreUnavailableException(
                "memcached at " + where + " kept changing the entry under a" + " conditional delete (" + CAS_ATTEMPTS
                        + " attempts)",
                null);
    }

    /** {@code gets}, then {@code cas} with its token if the value is the expected one. */
    @Override
    public boolean compareValueAndSet(String key, String expected, String value, Ttl ttl) {
        GetsResponse<String> r = call("read a lease (gets)", () -> client.gets(key, timeoutMillis));
        if (r == null || !expected.equals(r.getValue())) {
            return false;
        }
        return call("fill a session (cas)", () -> client.cas(key, exp(ttl), value, timeoutMillis, r.getCas()));
    }

    /** {@code gets}, then a {@code cas} that expires the item, if the value is the expected one. */
    @Override
    public void compareValueAndDelete(String key, String expected) {
        GetsResponse<String> r = call("read a lease (gets)", () -> client.gets(key, timeoutMillis));
        if (r != null && expected.equals(r.getValue())) {
            call("release a lease (cas)", () -> client.cas(key, EXPIRED, expected, timeoutMillis, r.getCas()));
        }
    }

    @Override
    public long maxValueBytes(String key) {
        return maxItemBytes - key.getBytes(StandardCharsets.UTF_8).length - ITEM_OVERHEAD;
    }

    /** The servers xmemcached is connected to right now (for tests). */
    public List<InetSocketAddress> connectedServers() {
        return new ArrayList<>(client.getAvailableServers());
    }

    @Override
    public void close() {
        try {
            client.shutdown();
        } catch (IOException e) {
            // Closing is best effort: the connections are gone either way.
        }
    }

    @Override
    public String toString() {
        return "MemcachedStore{" + where + "}";
    }

    /**
     * Stores values as their UTF-8 bytes with flags 0 (the tombstone and leases, which are pickles, with
     * pymemcache's pickle flag) and reads any bytes back as text whatever their
     * flags (a pickle written by Django, binary junk): such text simply fails signature checks later.
     */
    static class TextTranscoder implements Transcoder<String> {
        @Override
        public CachedData encode(String value) {
            // The markers are pickles: with pymemcache's pickle flag, Django reads them as {} and None.
            int flags = CacheStore.isMarker(value) ? PICKLE_FLAG : 0;
            return new CachedData(flags, value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String decode(CachedData data) {
            byte[] bytes = data.getData();
            return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public void setPrimitiveAsString(boolean primitiveAsString) {}

        @Override
        public void setPackZeros(boolean packZeros) {}

        @Override
        public void setCompressionThreshold(int to) {}

        @Override
        public boolean isPrimitiveAsString() {
            return true;
        }

        @Override
        public boolean isPackZeros() {
            return false;
        }

        @Override
        public void setCompressionMode(CompressionMode compressMode) {}
    }

    /**
     * The {@code django-pickle} format, as pymemcache's {@code pickle_serde} (Django's {@code
     * PyMemcacheCache}) frames values: every value Satchel writes is a pickle, sent as its bytes with
     * the pickle flag; a value read is the pickle's bytes as Latin-1 when its flags say pickle, and empty
     * otherwise (flags 0 are bytes, {@code 16} text, {@code 2}/{@code 4} an integer: Django reads none of
     * them as a session dict, and an empty value is no pickle either).
     */
    static final class PickleTranscoder extends TextTranscoder {
        static final int FLAG_NOT_PICKLE = 2 | 4 | 16;

        @Override
        public CachedData encode(String value) {
            return new CachedData(PICKLE_FLAG, value.getBytes(StandardCharsets.ISO_8859_1));
        }

        @Override
        public String decode(CachedData data) {
            byte[] bytes = data.getData();
            int flags = data.getFlag();
            if (bytes == null || (flags & PICKLE_FLAG) == 0 || (flags & FLAG_NOT_PICKLE) != 0) {
                return "";
            }
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
