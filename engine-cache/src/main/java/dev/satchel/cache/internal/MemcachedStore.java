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

    /** Room kept for the key and memcached's item header within the item size limit. */
    static final int ITEM_OVERHEAD = 256;

    private final MemcachedClient client;
    private final long timeoutMillis;
    private final long maxItemBytes;
    private final Clock clock;
    private final String where;

    public MemcachedStore(String url, Duration timeout, long maxItemBytes, Clock clock) {
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
        builder.setTranscoder(new TextTranscoder());
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
     * Stores values as their UTF-8 bytes with flags 0 and reads any bytes back as text whatever their
     * flags (a pickle written by Django, binary junk): such text simply fails signature checks later.
     */
    static final class TextTranscoder implements Transcoder<String> {
        @Override
        public CachedData encode(String value) {
            return new CachedData(0, value.getBytes(StandardCharsets.UTF_8));
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
}
