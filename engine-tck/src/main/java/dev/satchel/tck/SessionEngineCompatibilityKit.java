package dev.satchel.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.ConflictCounts;
import dev.satchel.ConflictPolicy;
import dev.satchel.CreateException;
import dev.satchel.Session;
import dev.satchel.SessionConflictException;
import dev.satchel.SessionKeys;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionTooLargeException;
import dev.satchel.UpdateException;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every session engine passes: Django's session semantics (flags, lazy
 * loading, expiry, key handling) plus Satchel's promises (hostile keys and undecodable data are
 * harmless). An engine's test extends this class and supplies {@link #createEngine}; a few hooks
 * adapt it to stores that count real time or can count their records.
 *
 * <p>Cases an engine cannot support are skipped with the reason, decided from the engine's declared
 * capabilities: engines that keep no server-side records ({@link SessionEngine#storesRecords()}) skip
 * the record cases, and engines without a sweeper skip {@code clearExpired}.
 */
public abstract class SessionEngineCompatibilityKit {
    /** The secret key the kit signs with. */
    protected static final String SECRET = "satchel-tck-secret-key-only-for-tests-0123456789abcdef";

    private static final Pattern GENERATED_KEY = Pattern.compile("[a-z0-9]{32}");
    private static final String NO_RECORDS =
            "this engine keeps no server-side records (the session lives in the cookie), so there is"
                    + " no record to create, find, conflict on or delete";

    private MutableClock clock;
    private CountingEngine counting;
    private SessionManager sessions;

    /** Builds the engine under test from the kit's context (settings and clock). */
    protected abstract SessionEngine createEngine(EngineContext context);

    /** The settings the kit uses; override to add the engine's own {@code satchel.*} keys. */
    protected SessionSettings.Builder settings() {
        return SessionSettings.builder().secretKey(SECRET);
    }

    /** The clock the kit starts with. */
    protected MutableClock newClock() {
        return new MutableClock();
    }

    /**
     * Lets time pass for the session layer and the store. The default moves the clock; an engine
     * whose store expires entries in real time (a cache's time-to-live) also waits.
     */
    protected void advance(Duration duration) {
        clock.advance(duration);
    }

    /**
     * How many records the store holds right now, when the test can count them. It makes the
     * "creates no record" cases exact; without it they check the keys involved.
     */
    protected OptionalLong recordCount() {
        return OptionalLong.empty();
    }

    @BeforeEach
    final void openKit() {
        clock = newClock();
        sessions = SessionManager.builder(settings().build())
                .clock(clock)
                .engine(context -> {
                    counting = new CountingEngine(createEngine(context));
                    return counting;
                })
                .build();
    }

    @AfterEach
    final void closeKit() {
        if (sessions != null) {
            sessions.close();
        }
    }

    /** The manager under test. */
    protected final SessionManager sessions() {
        return sessions;
    }

    /** The engine under test (without the kit's counting wrapper). */
    protected final SessionEngine engine() {
        return counting.delegate;
    }

    /** The kit's clock. */
    protected final MutableClock clock() {
        return clock;
    }

    private Session saved(Map<String, Object> data) {
        Session s = sessions.newSession();
        data.forEach(s::put);
        s.save();
        assertNotNull(s.getSessionKey(), "a saved session has a key");
        return s;
    }

    private Session reload(Session s) {
        return sessions.session(s.getSessionKey());
    }

    // ------------------------------------------------------------------ a new session

    @Test
    void newSession_isEmptyUntouchedAndKeyless() {
        Session s = sessions.newSession();
        assertTrue(s.isEmpty());
        assertFalse(s.isAccessed());
        assertFalse(s.isModified());
        assertNull(s.getSessionKey());
        assertEquals(0, s.size());
        assertTrue(s.isAccessed());
        assertFalse(s.isModified());
    }

    @Test
    void constructingASession_doesNoIo() {
        Session stored = saved(Map.of("a", 1L));
        int before = counting.loads.get();
        Session s = reload(stored);
        assertEquals(stored.getSessionKey(), s.getSessionKey());
        assertFalse(s.isEmpty());
        assertEquals(before, counting.loads.get(), "constructing, reading the key and isEmpty load nothing");
        assertEquals(1L, s.get("a"));
        assertEquals(before + 1, counting.loads.get(), "the first access loads once");
        s.get("a");
        s.containsKey("b");
        assertEquals(before + 1, counting.loads.get(), "later accesses use the loaded data");
    }

    // ------------------------------------------------------------------ flag rules (Django B.1.2)

    @Test
    void get_marksAccessedOnly() {
        Session s = reload(saved(Map.of("a", "x")));
        assertEquals("x", s.get("a"));
        assertNull(s.get("missing"));
        assertEquals("d", s.getOrDefault("missing", "d"));
        assertTrue(s.isAccessed());
        assertFalse(s.isModified());
    }

    @Test
    void containsKey_marksAccessedOnly() {
        Session s = reload(saved(Map.of("a", "x")));
        assertTrue(s.containsKey("a"));
        assertFalse(s.containsKey("b"));
        assertTrue(s.isAccessed());
        assertFalse(s.isModified());
    }

    @Test
    void put_marksAccessedAndModified() {
        Session s = reload(saved(Map.of("a", "x")));
        assertEquals("x", s.put("a", "y"));
        assertTrue(s.isAccessed());
        assertTrue(s.isModified());
    }

    @Test
    void pop_ofMissingKey_leavesUnmodified() {
        Session s = reload(saved(Map.of("a", "x")));
        assertEquals("default", s.pop("missing", "default"));
        assertNull(s.remove("missing"));
        assertThrows(NoSuchElementException.class, () -> s.pop("missing"));
        assertTrue(s.isAccessed());
        assertFalse(s.isModified());
    }

    @Test
    void pop_ofPresentKey_marksModified() {
        Session s = reload(saved(Map.of("a", "x", "b", "y")));
        assertEquals("x", s.pop("a"));
        assertTrue(s.isModified());
        Session t = reload(saved(Map.of("a", "x")));
        assertEquals("x", t.remove("a"));
        assertTrue(t.isModified());
        assertFalse(t.containsKey("a"));
    }

    @Test
    void setDefault_ofExistingKey_leavesUnmodified() {
        Session s = reload(saved(Map.of("a", "x")));
        assertEquals("x", s.setDefault("a", "other"));
        assertFalse(s.isModified());
        assertEquals("new", s.setDefault("b", "new"));
        assertTrue(s.isModified());
        assertEquals("new", s.get("b"));
    }

    @Test
    void putAll_ofNothing_stillMarksModified() {
        Session s = reload(saved(Map.of("a", "x")));
        s.putAll(Map.of());
        assertTrue(s.isAccessed());
        assertTrue(s.isModified());
        Session t = reload(saved(Map.of("a", "x")));
        t.putAll(Map.of("b", 2L, "c", 3L));
        assertEquals(3, t.size());
    }

    @Test
    void views_markAccessedOnlyAndAreReadOnly() {
        Session s = reload(saved(Map.of("a", "x")));
        assertEquals(Set.of("a"), s.keySet());
        assertEquals(List.of("x"), new ArrayList<>(s.values()));
        assertEquals(1, s.entrySet().size());
        assertTrue(s.isAccessed());
        assertFalse(s.isModified());
        assertThrows(UnsupportedOperationException.class, () -> s.keySet().remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> s.values().clear());
        assertFalse(s.isModified());
        assertEquals("x", s.get("a"));
    }

    @Test
    void clear_doesNotLoad_andMarksModified() {
        Session stored = saved(Map.of("a", "x"));
        Session s = reload(stored);
        int loads = counting.loads.get();
        s.clear();
        assertEquals(loads, counting.loads.get(), "clear installs empty data without loading");
        assertTrue(s.isAccessed());
        assertTrue(s.isModified());
        assertEquals(0, s.size());
        assertFalse(s.isEmpty(), "a session with a key is not empty even without data");
    }

    @Test
    void isEmpty_changesNoFlag() {
        Session stored = saved(Map.of("a", "x"));
        Session s = reload(stored);
        assertFalse(s.isEmpty());
        assertFalse(s.isAccessed());
        assertFalse(s.isModified());
        Session fresh = sessions.newSession();
        fresh.put("k", "v");
        assertFalse(fresh.isEmpty(), "a new session holding data is not empty");
    }

    @Test
    void inPlaceMutation_doesNotMarkModified() {
        Session s = reload(saved(Map.of("list", List.of(1L))));
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) s.get("list");
        list.add(2L);
        assertFalse(s.isModified(), "changing a stored value in place is invisible, as in Django");
        s.setModified(true);
        s.save();
        assertEquals(List.of(1L, 2L), reload(s).get("list"));
    }

    @Test
    void put_refusesNonJsonValues_namingTheKey() {
        Session s = sessions.newSession();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.put("when", Instant.EPOCH));
        assertTrue(e.getMessage().contains("when"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.put("nested", Map.of("x", new Object())));
        assertThrows(IllegalArgumentException.class, () -> s.put("keys", Map.of(1, "x")));
        assertFalse(s.isModified(), "a refused value changes nothing");
        assertFalse(s.containsKey("when"));
    }

    // ------------------------------------------------------------------ test cookie

    @Test
    void testCookie_worksAcrossRequests() {
        Session s = sessions.newSession();
        assertFalse(s.testCookieWorked());
        s.setTestCookie();
        assertTrue(s.isModified());
        s.save();
        Session next = reload(s);
        assertTrue(next.testCookieWorked());
        next.deleteTestCookie();
        assertTrue(next.isModified());
        assertFalse(next.testCookieWorked());
        assertThrows(NoSuchElementException.class, next::deleteTestCookie);
    }

    // ------------------------------------------------------------------ round trips

    @Test
    void saveThenLoad_roundTripsEveryJsonType() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ascii", "hello");
        data.put("empty", "");
        data.put("latin", "h\u00e9llo w\u00f6rld");
        data.put("bmp", "\u2603 \u4e2d\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629");
        data.put("astral", "\ud83d\ude00 \ud834\udd1e");
        data.put("controls", "tab\tnew\nline\u0000nul\u007fdel\"quote\\slash/");
        data.put("long", Long.MAX_VALUE);
        data.put("negative", Long.MIN_VALUE);
        data.put("huge", BigInteger.TWO.pow(70).add(BigInteger.ONE));
        data.put("hugeNegative", BigInteger.TWO.pow(100).negate());
        data.put("double", 0.1);
        data.put("big", 1e300);
        data.put("tiny", 5e-324);
        data.put("nan", Double.NaN);
        data.put("inf", Double.POSITIVE_INFINITY);
        data.put("true", true);
        data.put("false", false);
        data.put("null", null);
        data.put("list", List.of(1L, "two", List.of(3.5), Map.of("four", 4L)));
        data.put("map", new LinkedHashMap<>(Map.of("k", "v")));
        data.put("\u00fcnicode key \ud83d\udd11", "value");
        Session s = saved(data);
        Session loaded = reload(s);
        Map<String, Object> back = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : loaded.entrySet()) {
            back.put(e.getKey(), e.getValue());
        }
        assertEquals(new ArrayList<>(data.keySet()), new ArrayList<>(back.keySet()), "insertion order is kept");
        for (String key : data.keySet()) {
            assertEquals(data.get(key), back.get(key), "value of " + key);
        }
    }

    @Test
    void integersReadBack_asLong() {
        Session s = sessions.newSession();
        s.put("int", 17);
        assertEquals(17L, s.get("int"), "values are stored in canonical form");
        s.save();
        assertEquals(17L, reload(s).get("int"));
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void save_withoutKey_createsAFreshRecord() {
        Session s = sessions.newSession();
        s.put("a", 1L);
        s.save();
        assertNotNull(s.getSessionKey());
        if (engine().storesRecords()) {
            assertTrue(GENERATED_KEY.matcher(s.getSessionKey()).matches(), s.getSessionKey());
            assertTrue(s.exists(s.getSessionKey()));
        }
        assertEquals(1L, reload(s).get("a"));
    }

    @Test
    void create_picksAFreshKeyEachTime() {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Session s = sessions.newSession();
            s.create();
            assertTrue(s.isModified());
            assertTrue(keys.add(s.getSessionKey()), "fresh key");
            assertTrue(s.exists(s.getSessionKey()));
        }
    }

    @Test
    void save_ofLoadedSession_updatesInPlace() {
        Session s = saved(Map.of("a", 1L));
        Session next = reload(s);
        next.put("a", 2L);
        next.save();
        if (engine().storesRecords()) {
            assertEquals(s.getSessionKey(), next.getSessionKey(), "an update keeps the key");
        }
        assertEquals(2L, reload(next).get("a"));
    }

    @Test
    void loadingAnUnknownKey_givesAnEmptySessionAndCreatesNothing() {
        OptionalLong before = recordCount();
        String unknown = SessionKeys.generate();
        Session s = sessions.session(unknown);
        assertNull(s.get("a"));
        assertNull(s.getSessionKey(), "an unknown key is never adopted");
        assertTrue(s.isEmpty());
        assertFalse(s.exists(unknown));
        assertCountUnchanged(before);
        s.put("a", 1L);
        s.save();
        assertNotEquals(unknown, s.getSessionKey(), "saving picks a fresh key");
        assertFalse(s.exists(unknown));
    }

    @Test
    void flush_ofAnUnsavedSession_createsNothing() {
        OptionalLong before = recordCount();
        Session s = sessions.newSession();
        s.put("a", 1L);
        s.flush();
        assertNull(s.getSessionKey());
        assertTrue(s.isEmpty());
        assertTrue(s.isModified());
        assertEquals(0, counting.saves.get(), "flush never writes");
        assertCountUnchanged(before);
    }

    @Test
    void flush_ofASavedSession_deletesTheRecord() {
        Session s = saved(Map.of("a", 1L));
        String key = s.getSessionKey();
        Session next = reload(s);
        next.flush();
        assertNull(next.getSessionKey());
        assertEquals(0, next.size());
        if (engine().storesRecords()) {
            assertFalse(next.exists(key));
            assertNull(sessions.session(key).get("a"));
        }
    }

    @Test
    void cycleKey_keepsTheDataUnderANewKey() {
        Session s = saved(Map.of("cart", List.of("apple")));
        String oldKey = s.getSessionKey();
        Session next = reload(s);
        next.cycleKey();
        assertTrue(next.isModified());
        assertEquals(List.of("apple"), next.get("cart"));
        next.save();
        assertEquals(List.of("apple"), reload(next).get("cart"));
        if (engine().storesRecords()) {
            assertNotEquals(oldKey, next.getSessionKey());
            assertFalse(next.exists(oldKey), "the old record is deleted");
            assertTrue(next.exists(next.getSessionKey()));
        }
    }

    @Test
    void existsAndDelete() {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        Session s = saved(Map.of("a", 1L));
        String key = s.getSessionKey();
        assertTrue(s.exists(key));
        s.delete();
        assertFalse(s.exists(key));
        assertNull(sessions.session(key).get("a"));
        s.delete(); // deleting what is gone is not an error
        engine().delete(SessionKeys.generate());
    }

    @Test
    void delete_ofACookieSession_emptiesIt() {
        assumeTrue(!engine().storesRecords(), "only engines without server-side records empty the session on delete");
        Session s = reload(saved(Map.of("a", 1L)));
        s.delete();
        assertNull(s.getSessionKey());
        assertTrue(s.isEmpty());
        assertTrue(s.isModified());
    }

    @Test
    void mustCreate_onAnExistingKey_throwsCreateException() {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        String key = SessionKeys.generate();
        SessionRecord record = SessionRecord.of(
                engine().codec().encode(new LinkedHashMap<>(Map.of("a", 1L))),
                clock.instant().plusSeconds(3600));
        engine().save(key, record, SaveMode.CREATE);
        assertThrows(CreateException.class, () -> engine().save(key, record, SaveMode.CREATE));
        assertEquals(1L, sessions.session(key).get("a"), "the first record is intact");
    }

    @Test
    void save_afterTheRecordWasDeletedMeanwhile_throwsUpdateException() {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        Session s = saved(Map.of("a", 1L));
        Session request1 = reload(s);
        Session request2 = reload(s);
        assertEquals(1L, request1.get("a"));
        assertEquals(1L, request2.get("a"));
        request2.flush(); // a logout in a concurrent request
        request1.put("a", 2L);
        assertThrows(UpdateException.class, request1::save);
        assertFalse(request1.exists(s.getSessionKey()), "the deleted session is not resurrected");
    }

    @Test
    void update_ofAMissingRecord_throwsUpdateException() {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        SessionRecord record = SessionRecord.of(
                engine().codec().encode(new LinkedHashMap<>()), clock.instant().plusSeconds(60));
        String key = SessionKeys.generate();
        assertThrows(UpdateException.class, () -> engine().save(key, record, SaveMode.UPDATE));
        assertFalse(engine().exists(key));
    }

    // ------------------------------------------------------------------ expiry

    @Test
    void expiry_defaultsToTheCookieAge() {
        Session s = sessions.newSession();
        long age = sessions.settings().cookieAge().getSeconds();
        assertEquals(age, s.getExpiryAge());
        assertEquals(clock.instant().plusSeconds(age), s.getExpiryDate());
        assertEquals(sessions.settings().expireAtBrowserClose(), s.getExpireAtBrowserClose());
        assertFalse(s.isModified());
    }

    @Test
    void expiry_inSeconds_isHonoured() {
        Session s = sessions.newSession();
        s.put("a", 1L);
        s.setExpiry(2);
        assertEquals(2, s.getExpiryAge());
        assertEquals(clock.instant().plusSeconds(2), s.getExpiryDate());
        assertFalse(s.getExpireAtBrowserClose());
        s.save();
        advance(Duration.ofSeconds(1));
        assertEquals(1L, reload(s).get("a"), "alive before its expiry");
        advance(Duration.ofMillis(2500));
        Session late = reload(s);
        assertNull(late.get("a"), "an expired session is not loaded");
        assertEquals(0, late.size());
    }

    @Test
    void expiry_atAnInstant_isHonoured() {
        Instant at = clock.instant().plusSeconds(2);
        Session s = sessions.newSession();
        s.put("a", 1L);
        s.setExpiry(at);
        assertEquals(at, s.getExpiryDate());
        assertEquals(2, s.getExpiryAge());
        s.save();
        Session next = reload(s);
        assertEquals(at, next.getExpiryDate(), "the instant survives a round trip");
        advance(Duration.ofMillis(3500));
        assertNull(reload(s).get("a"), "an expired session is not loaded");
    }

    @Test
    void expiry_asADuration_countsFromNow() {
        Session s = sessions.newSession();
        s.setExpiry(Duration.ofMinutes(5));
        assertEquals(clock.instant().plusSeconds(300), s.getExpiryDate());
        assertEquals(300, s.getExpiryAge());
    }

    @Test
    void expiry_atBrowserClose_usesTheCookieAgeServerSide() {
        Session s = sessions.newSession();
        s.put("a", 1L);
        s.setExpiry(0);
        assertTrue(s.getExpireAtBrowserClose());
        assertEquals(sessions.settings().cookieAge().getSeconds(), s.getExpiryAge());
        s.save();
        advance(Duration.ofSeconds(3));
        Session next = reload(s);
        assertEquals(1L, next.get("a"));
        assertTrue(next.getExpireAtBrowserClose());
    }

    @Test
    void clearExpiry_returnsToTheDefault() {
        Session s = sessions.newSession();
        s.clearExpiry();
        assertFalse(s.isModified(), "clearing an absent expiry changes nothing");
        s.setExpiry(10);
        s.clearExpiry();
        assertTrue(s.isModified());
        assertEquals(sessions.settings().cookieAge().getSeconds(), s.getExpiryAge());
    }

    @Test
    void clearExpired_removesExpiredRecordsOnly() {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        assumeTrue(
                engine().sweeper().isPresent(),
                "this engine's store expires records by itself, so it has no clearExpired");
        Session shortLived = sessions.newSession();
        shortLived.put("a", 1L);
        shortLived.setExpiry(1);
        shortLived.save();
        Session longLived = saved(Map.of("b", 2L));
        advance(Duration.ofSeconds(2));
        OptionalLong removed = sessions.clearExpired();
        assertTrue(removed.isPresent());
        assertTrue(removed.getAsLong() >= 1, "at least the expired record was removed");
        assertFalse(engine().exists(shortLived.getSessionKey()));
        assertTrue(engine().exists(longLived.getSessionKey()));
        assertEquals(2L, reload(longLived).get("b"));
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void concurrentCreates_neverShareAKey() throws Exception {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<String>>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                tasks.add(() -> {
                    List<String> keys = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        Session s = sessions.newSession();
                        s.put("owner", thread * 1000L + i);
                        s.save();
                        keys.add(s.getSessionKey());
                    }
                    return keys;
                });
            }
            Set<String> all = new HashSet<>();
            for (Future<List<String>> f : pool.invokeAll(tasks, 2, TimeUnit.MINUTES)) {
                all.addAll(f.get());
            }
            assertEquals(threads * perThread, all.size(), "every create got its own key");
            for (String key : all) {
                assertTrue(engine().exists(key));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ races: a delete is final

    private static final Duration RACE_BUDGET = Duration.ofSeconds(10);
    private static final int RACE_ROUNDS = 40;

    /**
     * A delete racing several requests that save the same session leaves nothing behind: a save
     * that comes after the delete raises {@link UpdateException} and never recreates the record.
     */
    @Test
    void deleteRacingSaves_leavesNothingBehind() throws Exception {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        int savers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(savers + 1);
        try {
            long deadline = System.nanoTime() + RACE_BUDGET.toNanos();
            for (int round = 0; round < RACE_ROUNDS && System.nanoTime() < deadline; round++) {
                String key = saved(Map.of("round", (long) round)).getSessionKey();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < savers; t++) {
                    String mine = "saver" + t;
                    work.add(pool.submit(() -> {
                        Session s = sessions.session(key);
                        s.get("round");
                        await(go);
                        for (int i = 0; i < 5; i++) {
                            s.put(mine, (long) i);
                            try {
                                s.save();
                            } catch (UpdateException deletedMeanwhile) {
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                int pause = round % 4;
                work.add(pool.submit(() -> {
                    await(go);
                    Thread.sleep(pause);
                    sessions.session(key).delete();
                    return null;
                }));
                go.countDown();
                for (Future<?> f : work) {
                    f.get(1, TimeUnit.MINUTES);
                }
                assertFalse(engine().exists(key), "round " + round + ": a save racing the delete recreated the record");
                assertNull(sessions.session(key).get("round"), "round " + round + ": the deleted session loads again");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A logout racing loads and saves of the same session is final: every load that starts after the
     * logout returned finds nothing, and so does every load afterwards.
     */
    @Test
    void logoutRacingLoadsAndSaves_neverRestoresTheSession() throws Exception {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            long deadline = System.nanoTime() + RACE_BUDGET.toNanos();
            for (int round = 0; round < RACE_ROUNDS && System.nanoTime() < deadline; round++) {
                String key = saved(Map.of("user", "alice", "n", 0L)).getSessionKey();
                CountDownLatch go = new CountDownLatch(1);
                AtomicLong loggedOutAt = new AtomicLong(Long.MAX_VALUE);
                List<Future<String>> work = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    work.add(pool.submit(() -> {
                        await(go);
                        for (int i = 0; i < 30; i++) {
                            long startedAt = System.nanoTime();
                            Object user = sessions.session(key).get("user");
                            if (user != null && startedAt > loggedOutAt.get()) {
                                return "a load that started after the logout returned found the session";
                            }
                        }
                        return null;
                    }));
                }
                work.add(pool.submit(() -> {
                    Session s = sessions.session(key);
                    s.get("n");
                    await(go);
                    for (long i = 1; i <= 10; i++) {
                        s.put("n", i);
                        try {
                            s.save();
                        } catch (UpdateException loggedOut) {
                            return null;
                        }
                    }
                    return null;
                }));
                int pause = round % 3;
                work.add(pool.submit(() -> {
                    Session s = sessions.session(key);
                    s.get("user");
                    await(go);
                    Thread.sleep(pause);
                    s.flush();
                    loggedOutAt.set(System.nanoTime());
                    return null;
                }));
                go.countDown();
                for (Future<String> f : work) {
                    String violation = f.get(1, TimeUnit.MINUTES);
                    assertNull(violation, "round " + round + ": " + violation);
                }
                for (int i = 0; i < 3; i++) {
                    assertNull(
                            sessions.session(key).get("user"), "round " + round + ": the logged-out session is back");
                }
                assertFalse(engine().exists(key), "round " + round + ": a record outlived the logout");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A login ({@code cycleKey}) racing requests that save the old key: the data moves to the new key
     * and stays there, and the old key never comes back (a late save of it raises, never recreates).
     */
    @Test
    void cycleKeyRacingSaves_keepsTheDataAndNeverBringsTheOldKeyBack() throws Exception {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            long deadline = System.nanoTime() + RACE_BUDGET.toNanos();
            for (int round = 0; round < RACE_ROUNDS && System.nanoTime() < deadline; round++) {
                String oldKey = saved(Map.of("cart", "apple")).getSessionKey();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> savers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    String mine = "saver" + t;
                    savers.add(pool.submit(() -> {
                        Session s = sessions.session(oldKey);
                        s.get("cart");
                        await(go);
                        for (long i = 0; i < 5; i++) {
                            s.put(mine, i);
                            try {
                                s.save();
                            } catch (UpdateException cycledMeanwhile) {
                                return null;
                            }
                        }
                        return null;
                    }));
                }
                int pause = round % 3;
                Future<String> login = pool.submit(() -> {
                    Session s = sessions.session(oldKey);
                    s.get("cart");
                    await(go);
                    Thread.sleep(pause);
                    s.cycleKey();
                    return s.getSessionKey();
                });
                go.countDown();
                for (Future<?> f : savers) {
                    f.get(1, TimeUnit.MINUTES);
                }
                String newKey = login.get(1, TimeUnit.MINUTES);
                assertNotEquals(oldKey, newKey);
                assertEquals("apple", sessions.session(newKey).get("cart"), "round " + round + ": the data moved");
                assertFalse(engine().exists(oldKey), "round " + round + ": the old key came back");
                assertNull(sessions.session(oldKey).get("cart"), "round " + round + ": the old key loads again");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(1, TimeUnit.MINUTES)) {
            throw new AssertionError("the race never started");
        }
    }

    // ------------------------------------------------------------------ size limit: saved means loadable

    /** Session data whose serialized JSON is exactly {@code bytes} long. */
    private static Map<String, Object> dataOfSerializedSize(int bytes, boolean compressible) {
        int overhead = JsonSerializer.create().serialize(Map.of("blob", "")).length;
        int n = bytes - overhead;
        StringBuilder sb = new StringBuilder(n);
        java.util.Random random = new java.util.Random(n);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,-./:;<=>?@[]^_{|}~ ";
        for (int i = 0; i < n; i++) {
            sb.append(compressible ? 'a' : alphabet.charAt(random.nextInt(alphabet.length())));
        }
        Map<String, Object> data = Map.of("blob", sb.toString());
        assertEquals(bytes, JsonSerializer.create().serialize(data).length);
        return data;
    }

    /**
     * Whatever {@code save()} accepts, {@code load()} returns: at the configured payload limit and one
     * byte over it, compressible and not. Over the limit the save raises {@link
     * SessionTooLargeException} before anything is stored, and the previous version stays intact.
     */
    @Test
    void acknowledgedSaves_loadBack_atAndOverThePayloadLimit() {
        int limit = sessions.settings().maxPayloadBytes();
        for (boolean compressible : new boolean[] {true, false}) {
            for (int size : new int[] {limit, limit + 1}) {
                String label =
                        (compressible ? "compressible " : "incompressible ") + size + " bytes (limit " + limit + ")";
                Session previous = saved(Map.of("small", 1L));
                Session s = sessions.session(previous.getSessionKey());
                Map<String, Object> big = dataOfSerializedSize(size, compressible);
                big.forEach(s::put);
                boolean acknowledged;
                try {
                    s.save();
                    acknowledged = true;
                } catch (SessionTooLargeException e) {
                    acknowledged = false;
                }
                if (size > limit) {
                    assertFalse(acknowledged, label + ": a session over the limit is refused at save");
                }
                Session back = sessions.session(s.getSessionKey());
                if (acknowledged) {
                    assertTrue(big.get("blob").equals(back.get("blob")), label + ": an acknowledged save loads back");
                    assertEquals(1L, back.get("small"), label);
                } else {
                    assertEquals(previous.getSessionKey(), s.getSessionKey(), label + ": the key is unchanged");
                    assertEquals(1L, back.get("small"), label + ": the previous version is intact");
                    assertNull(back.get("blob"), label + ": nothing of the refused save was stored");
                }
            }
        }
    }

    @Test
    void newSessionOverThePayloadLimit_isRefusedWithoutAKeyOrARecord() {
        OptionalLong before = recordCount();
        Session s = sessions.newSession();
        dataOfSerializedSize(sessions.settings().maxPayloadBytes() + 1, true).forEach(s::put);
        assertThrows(SessionTooLargeException.class, s::save);
        assertNull(s.getSessionKey(), "no key is handed out for a session that was not stored");
        assertCountUnchanged(before);
    }

    // ------------------------------------------------------------------ parallel requests: no lost updates

    private static final int PARALLEL_THREADS = 8;
    private static final int PARALLEL_ROUNDS = 50;
    private static final String NO_CONDITIONAL_SAVE =
            "this engine cannot save conditionally, so concurrent saves replace each other (last writer wins)";

    /** What one run of parallel requests observed. */
    private record ParallelRun(int acknowledged, int conflicts, int lostUpdates, int halfWritten) {}

    /**
     * {@value #PARALLEL_THREADS} threads, {@value #PARALLEL_ROUNDS} rounds each, play requests of one
     * user: load the session, check that this thread's last acknowledged write is still there, set the
     * thread's own key, save. A check that finds an older value is a lost update.
     */
    private ParallelRun parallelRequests(ConflictPolicy policy) throws Exception {
        try (SessionManager manager = SessionManager.builder(
                        settings().conflictPolicy(policy).build())
                .clock(clock)
                .engine(context -> new SharedEngine(engine()))
                .build()) {
            String key = saved(Map.of("shared", true)).getSessionKey();
            ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_THREADS);
            try {
                CountDownLatch go = new CountDownLatch(1);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                List<Future<int[]>> threads = new ArrayList<>();
                for (int t = 0; t < PARALLEL_THREADS; t++) {
                    String mine = "thread" + t;
                    threads.add(pool.submit(() -> {
                        int acknowledged = 0;
                        int conflicts = 0;
                        int lost = 0;
                        int halfWritten = 0;
                        long last = -1;
                        long attempted = -1;
                        await(go);
                        for (long round = 0; round < PARALLEL_ROUNDS && System.nanoTime() < deadline; round++) {
                            Session s = manager.session(key);
                            Object seen = s.get(mine);
                            long expected = last;
                            if (last >= 0 && !Long.valueOf(last).equals(seen)) {
                                if (Long.valueOf(attempted).equals(seen)) {
                                    halfWritten++;
                                } else {
                                    lost++;
                                }
                            }
                            s.put(mine, round);
                            attempted = round;
                            // The request's own work between load and save, so that requests overlap.
                            Thread.sleep(round % 2);
                            try {
                                s.save();
                                last = round;
                                acknowledged++;
                            } catch (SessionConflictException e) {
                                conflicts++;
                                last = expected;
                            }
                        }
                        Object end = manager.session(key).get(mine);
                        if (last >= 0 && !Long.valueOf(last).equals(end)) {
                            lost++;
                        }
                        return new int[] {acknowledged, conflicts, lost, halfWritten};
                    }));
                }
                go.countDown();
                int[] total = new int[4];
                for (Future<int[]> f : threads) {
                    int[] r = f.get(2, TimeUnit.MINUTES);
                    for (int i = 0; i < 4; i++) {
                        total[i] += r[i];
                    }
                }
                assertEquals(Boolean.TRUE, manager.session(key).get("shared"), "a key no request touched survives");
                if (policy != ConflictPolicy.OVERWRITE) {
                    ConflictCounts counts = manager.conflictCounts();
                    assertTrue(
                            counts.merged() + counts.failed() >= counts.conflicts() - counts.failed(),
                            counts.toString());
                }
                return new ParallelRun(total[0], total[1], total[2], total[3]);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void parallelRequests_merge_loseNoUpdate() throws Exception {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        assumeTrue(engine().conditionalSave().isPresent(), NO_CONDITIONAL_SAVE);
        ParallelRun run = parallelRequests(ConflictPolicy.MERGE);
        assertEquals(0, run.lostUpdates(), "lost updates with merge: " + run);
        assertEquals(0, run.halfWritten(), "a save that raised stored nothing: " + run);
        assertTrue(run.acknowledged() > 0, run.toString());
    }

    @Test
    void parallelRequests_fail_losersGetAConflictAndNothingIsHalfWritten() throws Exception {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        assumeTrue(engine().conditionalSave().isPresent(), NO_CONDITIONAL_SAVE);
        ParallelRun run = parallelRequests(ConflictPolicy.FAIL);
        assertEquals(0, run.lostUpdates(), "lost updates with fail: " + run);
        assertEquals(0, run.halfWritten(), "a save that raised SessionConflictException stored nothing: " + run);
        assertEquals(
                PARALLEL_THREADS * PARALLEL_ROUNDS,
                run.acknowledged() + run.conflicts(),
                "every save was acknowledged or raised SessionConflictException: " + run);
    }

    @Test
    void parallelRequests_overwrite_replacesWholeSessions_asDjangoDoes() throws Exception {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        ParallelRun run = parallelRequests(ConflictPolicy.OVERWRITE);
        assertEquals(0, run.conflicts(), "overwrite never raises SessionConflictException: " + run);
        assertEquals(PARALLEL_THREADS * PARALLEL_ROUNDS, run.acknowledged(), run.toString());
        // Losses are expected here (the last writer replaces the record); the count is reported.
        System.out.println(engine().name() + ": overwrite lost " + run.lostUpdates() + " of " + run.acknowledged()
                + " acknowledged updates");
    }

    @Test
    void conflictingSave_mergesKeyByKey_lastWriterPerKey() {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        assumeTrue(engine().conditionalSave().isPresent(), NO_CONDITIONAL_SAVE);
        Session original = saved(Map.of("cart", List.of("apple"), "views", 1L, "theme", "dark", "gone", 1L));
        String key = original.getSessionKey();
        Session a = sessions.session(key);
        Session b = sessions.session(key);
        a.get("views");
        b.get("views");
        a.put("views", 2L);
        a.put("theme", "light");
        a.remove("gone");
        a.save();
        b.put("cart", List.of("apple", "pear"));
        b.put("theme", "blue");
        b.setExpiry(600);
        b.save();
        Session after = reload(original);
        assertEquals(List.of("apple", "pear"), after.get("cart"), "b's change");
        assertEquals(2L, after.get("views"), "a's change, untouched by b, survives");
        assertEquals("blue", after.get("theme"), "both changed it: the last writer wins for that key");
        assertFalse(after.containsKey("gone"), "a's removal survives");
        assertEquals(600L, after.get(Session.EXPIRY_KEY), "b's expiry change");
        ConflictCounts counts = sessions.conflictCounts();
        assertEquals(1, counts.conflicts());
        assertEquals(1, counts.merged());
        assertEquals(1, counts.keysOverwritten(), "theme was changed by both");
    }

    @Test
    void conflictingSave_intoADeletedSession_neverRecreatesIt() {
        assumeTrue(engine().storesRecords(), NO_RECORDS);
        Session original = saved(Map.of("user", "alice"));
        Session late = sessions.session(original.getSessionKey());
        late.get("user");
        sessions.session(original.getSessionKey()).flush();
        late.put("n", 1L);
        assertThrows(UpdateException.class, late::save);
        assertFalse(engine().exists(original.getSessionKey()));
    }

    // ------------------------------------------------------------------ hostile input

    /** Keys a client could send; none may be adopted, reach a store unchecked, or crash anything. */
    protected List<String> hostileKeys() {
        return Arrays.asList(
                null,
                "",
                "short",
                "        ",
                " abcdefghijk ",
                "../x",
                "../../../../../../etc/passwd",
                "..\\..\\windows\\win.ini",
                "abcdefgh\u0000ijklmnop",
                "%2e%2e%2fabcdefghijkl",
                "\uff0e\uff0e\uff0fabcdefghijkl",
                "abcdefgh'; DROP TABLE django_session; --",
                "abcdefgh\r\nSet-Cookie: x=y",
                "x".repeat(10_240));
    }

    @Test
    void hostileKeys_createNothingAndCrashNothing() {
        OptionalLong before = recordCount();
        for (String key : hostileKeys()) {
            String label = key == null ? "null" : key.length() > 40 ? key.length() + " chars" : "\"" + key + "\"";
            Session s = sessions.session(key);
            assertNull(s.get("a"), label);
            assertNull(s.getSessionKey(), "not adopted: " + label);
            assertFalse(s.exists(key), label);
            s.flush();
            s.delete();
            assertNull(s.getSessionKey(), label);
        }
        assertCountUnchanged(before);
        for (String key : hostileKeys()) {
            Session s = sessions.session(key);
            s.put("a", 1L);
            s.save();
            assertNotEquals(key, s.getSessionKey(), "saving picks a fresh key");
        }
    }

    @Test
    void undecodableStoredData_loadsAsAnEmptySession() {
        String valid = engine().codec().encode(new LinkedHashMap<>(Map.of("a", 1L)));
        char last = valid.charAt(valid.length() - 1);
        List<String> broken = List.of(
                valid.substring(0, valid.length() - 1) + (last == 'A' ? 'B' : 'A'),
                valid.substring(0, valid.length() - 6),
                valid + "=",
                "x" + valid,
                "not a session at all",
                "e30:1r31eq:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                "!!!!!!!!:1r31eq:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        for (String data : broken) {
            String key = engine().save(
                            SessionKeys.generate(),
                            SessionRecord.of(data, clock.instant().plusSeconds(3600)),
                            SaveMode.CREATE);
            Session s = sessions.session(key);
            assertNull(s.get("a"), "undecodable data loads as an empty session");
            assertEquals(0, s.size());
        }
    }

    private void assertCountUnchanged(OptionalLong before) {
        OptionalLong after = recordCount();
        if (before.isPresent() && after.isPresent()) {
            assertEquals(before.getAsLong(), after.getAsLong(), "no record was created");
        }
    }
}
