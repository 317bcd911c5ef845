package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionKeys;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionTooLargeException;
import dev.satchel.SuspiciousSessionException;
import dev.satchel.UpdateException;
import dev.satchel.cache.internal.CacheStore;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.Servers;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Behaviour every store shares beyond the kit: conditional saves, the item size limit, foreign and
 * broken values, hostile keys on direct calls, and the write-through used by {@code cached_db}.
 */
class CacheStoreBehaviourTest {
    private static final String SECRET = "behaviour-test-secret-0123456789";
    private final MutableClock clock = new MutableClock();
    private SessionManager sessions;
    private CacheSessionEngine engine;

    static String urlOf(String store) {
        return switch (store) {
            case "caffeine" -> "caffeine:";
            case "redis" -> {
                Servers.require("Redis", Servers.REDIS_URL);
                yield Servers.REDIS_URL;
            }
            case "memcached" -> {
                Servers.require("memcached", Servers.MEMCACHED_URL);
                yield Servers.MEMCACHED_URL;
            }
            default -> throw new IllegalArgumentException(store);
        };
    }

    private void open(String store, Map<String, String> extra) {
        SessionSettings.Builder b = SessionSettings.builder()
                .secretKey(SECRET)
                .maxPayloadBytes(8 << 20)
                .engineProperty(CacheSettings.URL, urlOf(store))
                .engineProperty(
                        CacheSettings.KEY_PREFIX,
                        "beh-" + UUID.randomUUID().toString().substring(0, 8));
        extra.forEach(b::engineProperty);
        sessions = SessionManager.builder(b.build())
                .clock(clock)
                .engine(context -> {
                    engine = CacheSessionEngine.create(context);
                    return engine;
                })
                .build();
    }

    @AfterEach
    void close() {
        if (sessions != null) {
            sessions.close();
        }
    }

    private Session saved(Map<String, Object> data) {
        Session s = sessions.newSession();
        data.forEach(s::put);
        s.save();
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"caffeine", "redis", "memcached"})
    void conditionalSave_detectsAConcurrentChange(String store) {
        open(store, Map.of());
        String key = saved(Map.of("n", 1L)).getSessionKey();
        ConditionalSave cas = engine.conditionalSave().orElseThrow();
        SessionRecord first = engine.load(key).orElseThrow();
        SessionRecord alsoFirst = engine.load(key).orElseThrow();

        SessionRecord two = record(Map.of("n", 2L));
        assertEquals(key, cas.saveIfUnchanged(key, two, first.version()), "unchanged since load: saved");
        assertThrows(
                UpdateException.class,
                () -> cas.saveIfUnchanged(key, record(Map.of("n", 3L)), alsoFirst.version()),
                "changed since load: refused");
        assertEquals(2L, sessions.session(key).get("n"), "the first writer's data is kept");

        SessionRecord now = engine.load(key).orElseThrow();
        engine.delete(key);
        assertThrows(UpdateException.class, () -> cas.saveIfUnchanged(key, record(Map.of("n", 4L)), now.version()));
        assertFalse(engine.exists(key), "a vanished session is not resurrected");
        assertThrows(UpdateException.class, () -> cas.saveIfUnchanged(key, record(Map.of("n", 4L)), null));
    }

    private SessionRecord record(Map<String, Object> data) {
        return SessionRecord.of(
                engine.codec().encode(new LinkedHashMap<>(data)),
                clock.instant().plusSeconds(600));
    }

    private static String incompressible(int chars) {
        byte[] bytes = new byte[chars * 3 / 4];
        new Random(42).nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"caffeine", "redis", "memcached"})
    void aSessionOverTheItemLimit_isRefused_andThePreviousVersionStays(String store) {
        open(store, Map.of(CacheSettings.MAX_ITEM_BYTES, "16384"));
        Session s = saved(Map.of("small", "kept"));
        String key = s.getSessionKey();
        Session next = sessions.session(key);
        next.put("big", incompressible(20_000));
        SessionTooLargeException e = assertThrows(SessionTooLargeException.class, next::save);
        assertTrue(e.getMessage().contains("bytes"), e.getMessage());
        Session again = sessions.session(key);
        assertEquals("kept", again.get("small"), "the previous version is intact");
        assertNull(again.get("big"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"caffeine", "redis", "memcached"})
    void foreignAndBrokenValues_loadAsAnEmptySession(String store) {
        open(store, Map.of());
        Map<String, Object> data = new LinkedHashMap<>(Map.of("user", 7L));
        String valid = engine.codec().encode(new LinkedHashMap<>(data));
        EngineContext otherSecret = EngineContext.of(
                SessionSettings.builder().secretKey("another-secret").build(), clock);
        List<String> values = List.of(
                "not written by Satchel",
                "",
                valid.substring(0, valid.length() / 2),
                valid.substring(0, valid.length() - 1),
                otherSecret.codec().encode(new LinkedHashMap<>(data)),
                otherSecret
                        .signedCodec("django.contrib.sessions.backends.signed_cookies", null)
                        .encode(new LinkedHashMap<>(data)),
                engine.settings().store() == CacheSettings.Store.CAFFEINE
                        ? "x"
                        : new String(
                                new byte[] {(byte) 0x80, 0x04, (byte) 0x95, 0x11, 0, (byte) 0xff},
                                java.nio.charset.StandardCharsets.ISO_8859_1),
                "\u0000\u0001\u0002 binary-ish \ud83d\ude00");
        // A value signed with the same secret but another salt (the cookie engine's) is foreign too.
        CacheStore raw = engine.store();
        for (String value : values) {
            String key = SessionKeys.generate();
            raw.set(
                    engine.cacheKey(key),
                    value,
                    CacheStore.Ttl.until(clock.instant().plusSeconds(60), clock.instant()));
            Session s = sessions.session(key);
            assertNull(s.get("user"), "foreign value loads as empty");
            assertEquals(0, s.size());
            s.put("user", 8L);
            s.save(); // a later save overwrites the foreign value
            assertEquals(8L, sessions.session(s.getSessionKey()).get("user"));
        }
        String key = SessionKeys.generate();
        raw.set(
                engine.cacheKey(key),
                valid,
                CacheStore.Ttl.until(clock.instant().plusSeconds(60), clock.instant()));
        assertEquals(7L, sessions.session(key).get("user"), "the control value does load");
    }

    @ParameterizedTest
    @ValueSource(strings = {"caffeine", "redis", "memcached"})
    void hostileKeys_onDirectCalls_areRefusedBeforeTheStore(String store) {
        open(store, Map.of());
        SessionRecord r = record(Map.of("a", 1L));
        for (String key : List.of("abcdefgh ijklmnop", "abcdefgh\n", "a".repeat(219), "abc\u0000defgh")) {
            assertFalse(engine.acceptsKey(key));
            assertTrue(engine.load(key).isEmpty());
            assertFalse(engine.exists(key));
            engine.delete(key);
            assertThrows(SuspiciousSessionException.class, () -> engine.save(key, r, SaveMode.CREATE));
            assertThrows(SuspiciousSessionException.class, () -> engine.set(key, r));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"caffeine", "redis", "memcached"})
    void cachedDbPrefix_writesThroughUnderItsOwnKeys(String store) {
        open(store, Map.of());
        try (CacheSessionEngine cachedDb = CacheSessionEngine.create(
                EngineContext.of(sessions.settings(), clock), CacheSessionEngine.CACHED_DB_LOGICAL_PREFIX)) {
            String key = SessionKeys.generate();
            assertTrue(cachedDb.cacheKey(key).contains(":1:django.contrib.sessions.cached_db" + key));
            cachedDb.set(key, record(Map.of("a", 1L)));
            cachedDb.set(key, record(Map.of("a", 2L))); // set needs no prior state either way
            assertTrue(cachedDb.exists(key));
            if (engine.settings().store() != CacheSettings.Store.CAFFEINE) {
                // Caffeine is per engine instance; the networked stores are shared, yet the prefixes differ.
                assertFalse(engine.exists(key), "the cache engine's keys are separate");
            }
            assertEquals(
                    2L,
                    cachedDb.codec()
                            .decode(cachedDb.load(key).orElseThrow().data())
                            .data()
                            .get("a"));
        }
    }
}
