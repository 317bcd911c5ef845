package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionKeys;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionTooLargeException;
import dev.satchel.cache.internal.CacheStore;
import dev.satchel.cache.internal.MemcachedStore;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.DjangoVectors;
import dev.satchel.testing.Servers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What only memcached needs: the 30-day TTL rule, its real item limit, and values Django wrote. */
class MemcachedSpecificTest {
    private final MutableClock clock = new MutableClock();
    private SessionManager sessions;
    private CacheSessionEngine engine;
    private String host;
    private int port;

    @BeforeEach
    void open() {
        Servers.require("memcached", Servers.MEMCACHED_URL);
        URI uri = URI.create(Servers.MEMCACHED_URL.split(",")[0]);
        host = uri.getHost();
        port = uri.getPort();
        SessionSettings settings = SessionSettings.builder()
                .secretKey("memcached-specific")
                .maxPayloadBytes(8 << 20)
                .engineProperty(CacheSettings.URL, Servers.MEMCACHED_URL)
                .engineProperty(
                        CacheSettings.KEY_PREFIX,
                        "mc-" + UUID.randomUUID().toString().substring(0, 8))
                .build();
        sessions = SessionManager.builder(settings)
                .clock(clock)
                .engine(context -> {
                    engine = CacheSessionEngine.create(context);
                    return engine;
                })
                .build();
    }

    @AfterEach
    void close() {
        sessions.close();
    }

    /** One text-protocol exchange with the server, returning the first reply line. */
    private String exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
                    .readLine();
        }
    }

    /** The remaining time to live memcached reports for a key (meta get, flag t), or -2 if absent. */
    private long remainingTtl(String key) throws IOException {
        String line = exchange(("mg " + key + " t\r\n").getBytes(StandardCharsets.US_ASCII));
        if (line.startsWith("EN")) {
            return -2;
        }
        for (String part : line.split(" ")) {
            if (part.startsWith("t")) {
                return Long.parseLong(part.substring(1));
            }
        }
        throw new IllegalStateException("unexpected meta get reply: " + line);
    }

    @ParameterizedTest
    @ValueSource(ints = {29, 30, 31})
    void longLifetimes_areSentSoMemcachedKeepsThem(int days) throws IOException {
        long ttl = Duration.ofDays(days).toSeconds();
        long sent = MemcachedStore.expiration(ttl, clock.instant());
        if (days <= 30) {
            assertEquals(ttl, sent, "up to 30 days the time to live is sent as is");
        } else {
            assertEquals(clock.instant().getEpochSecond() + ttl, sent, "over 30 days it is sent as a Unix time");
        }
        Session s = sessions.newSession();
        s.put("days", (long) days);
        s.setExpiry(Duration.ofDays(days));
        s.save();
        assertEquals((long) days, sessions.session(s.getSessionKey()).get("days"), "readable right after the save");
        long remaining = remainingTtl(engine.cacheKey(s.getSessionKey()));
        System.out.printf("memcached TTL for %d days: sent %d, server reports %d s remaining%n", days, sent, remaining);
        // The server agrees on the lifetime (a few seconds of clock skew and rounding allowed).
        assertTrue(Math.abs(remaining - ttl) <= 60, "remaining " + remaining + " vs " + ttl);
        engine.delete(s.getSessionKey());
    }

    @Test
    void anAbsoluteTimeAlreadyPast_isGoneAtOnce() {
        // A store whose clock is 40 days behind sends "now - 40 days + 31 days": a Unix time 9 days ago.
        MutableClock past = new MutableClock(clock.instant().minus(Duration.ofDays(40)));
        try (MemcachedStore store = new MemcachedStore(Servers.MEMCACHED_URL, Duration.ofSeconds(2), 1 << 20, past)) {
            String key = engine.cacheKey(SessionKeys.generate());
            CacheStore.Ttl ttl = CacheStore.Ttl.until(past.instant().plus(Duration.ofDays(31)), past.instant());
            assertTrue(MemcachedStore.expiration(ttl.seconds(), past.instant())
                    < Instant.now().getEpochSecond());
            assertTrue(store.add(key, "value", ttl));
            assertTrue(store.get(key).isEmpty(), "an item whose absolute expiry is past is gone");
            // The same call with the true clock keeps the item.
            assertTrue(engine.store()
                    .add(
                            key,
                            "value",
                            CacheStore.Ttl.until(clock.instant().plus(Duration.ofDays(31)), clock.instant())));
            assertEquals("value", engine.store().get(key).orElseThrow().value());
            engine.store().delete(key);
        }
    }

    @Test
    void theDefaultOneMegabyteLimit_isEnforcedBeforeSending() {
        String key = SessionKeys.generate();
        String cacheKey = engine.cacheKey(key);
        long limit = engine.store().maxValueBytes(cacheKey);
        System.out.printf("memcached value limit under a %d-byte key: %d bytes%n", cacheKey.length(), limit);
        CacheStore.Ttl ttl = CacheStore.Ttl.until(clock.instant().plusSeconds(60), clock.instant());
        // The real server takes a value exactly at the limit: the margin is conservative, not wrong.
        engine.store().set(cacheKey, "x".repeat((int) limit), ttl);
        assertEquals(limit, engine.store().get(cacheKey).orElseThrow().value().length());
        String old = engine.codec().encode(new LinkedHashMap<>(Map.of("v", "old")));
        engine.save(key, SessionRecord.of(old, clock.instant().plusSeconds(60)), SaveMode.UPDATE);
        String tooBig = old + "x".repeat((int) limit);
        assertThrows(
                SessionTooLargeException.class,
                () -> engine.save(key, SessionRecord.of(tooBig, clock.instant().plusSeconds(60)), SaveMode.UPDATE));
        assertEquals(old, engine.store().get(cacheKey).orElseThrow().value(), "the previous version is intact");
        engine.delete(key);
    }

    @Test
    void aPickleDjangoStored_loadsAsAnEmptySession() throws IOException {
        // The bytes real Django (PyMemcacheCache) stored for a session, with pymemcache's "pickled" flag.
        var storage = DjangoVectors.load("backends.json").get("memcached_storage");
        byte[] pickle = null;
        int flags = 1;
        for (var write : storage.findValues("value_b64")) {
            pickle = Base64.getDecoder().decode(write.asText());
            break;
        }
        if (pickle == null) {
            pickle = new byte[] {(byte) 0x80, 0x05, (byte) 0x95, 0x0b, 0, 0, 0, 0, 0, 0, 0, 0x7d, (byte) 0x94, 0x2e};
        }
        String key = SessionKeys.generate();
        byte[] head = ("set " + engine.cacheKey(key) + " " + flags + " 60 " + pickle.length + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + pickle.length + 2];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(pickle, 0, request, head.length, pickle.length);
        request[request.length - 2] = '\r';
        request[request.length - 1] = '\n';
        assertEquals("STORED", exchange(request));
        Session s = sessions.session(key);
        assertEquals(0, s.size(), "a pickle is not a signed session");
        assertNull(s.get("a"));
        s.put("a", 1L);
        s.save();
        assertEquals(1L, sessions.session(s.getSessionKey()).get("a"));
        engine.delete(key);
    }
}
