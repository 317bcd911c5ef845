package dev.satchel;

import dev.satchel.codec.DecodedSession;
import dev.satchel.codec.JsonValues;
import dev.satchel.internal.PythonIsoDateTime;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionExpiry;
import dev.satchel.spi.SessionRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One user's session for one request: a map of JSON values that loads lazily on first access and
 * remembers whether it was read ({@link #isAccessed()}) or changed ({@link #isModified()}), so the
 * middleware saves it only when needed. It follows Django's {@code SessionBase} rule for rule.
 *
 * <p>Values are the JSON data model: String, integers of any size (read back as {@code Long} or
 * {@code BigInteger}), {@code Double}, {@code Boolean}, {@code null}, {@code List} and {@code Map}
 * with String keys. Anything else is refused by {@link #put}, naming the key. As in Django, changing
 * a list or map obtained from the session in place does not mark it modified; call {@link
 * #setModified(boolean)}.
 *
 * <p>A session belongs to one request and is not thread-safe. Get one from {@link
 * SessionManager#session(String)}.
 */
public final class Session {
    /** The key of the test cookie inside the session data. */
    public static final String TEST_COOKIE_NAME = "testcookie";
    /** The value that marks the test cookie as having worked. */
    public static final String TEST_COOKIE_VALUE = "worked";
    /** Where a custom expiry is kept inside the session data (seconds, or an ISO-8601 instant). */
    public static final String EXPIRY_KEY = "_session_expiry";

    static final String SECURITY_LOGGER = "dev.satchel.security.SuspiciousSession";
    private static final Logger SECURITY_LOG = LoggerFactory.getLogger(SECURITY_LOGGER);
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final int CREATE_ATTEMPTS = 100;

    private final SessionManager manager;
    private final SessionEngine engine;
    private String sessionKey;
    private Map<String, Object> cache;
    private boolean accessed;
    private boolean modified;
    private Object loadedVersion;
    /** The stored data this request's changes are relative to: as loaded, or as this request last wrote it. */
    private String baseData;
    /** Whether {@link #baseData} is what this request wrote, whose version the store did not return. */
    private boolean baseVersionUnknown;

    private final Set<String> touched = new HashSet<>();
    private boolean cleared;
    /** Keys both this request and a concurrent one changed, found by the last merge. */
    private int overwrittenKeys;

    Session(SessionManager manager, String sessionKey) {
        this.manager = manager;
        this.engine = manager.engine();
        this.sessionKey = SessionKeys.isValid(sessionKey) ? sessionKey : null;
    }

    // ---------------------------------------------------------------- the map

    /** The value under {@code key}, or {@code null} if absent. Loads the session. */
    public Object get(String key) {
        return data(false).get(key);
    }

    /** The value under {@code key}, or {@code defaultValue} if absent. Loads the session. */
    public Object getOrDefault(String key, Object defaultValue) {
        return data(false).getOrDefault(key, defaultValue);
    }

    /** Whether {@code key} is present. Loads the session. */
    public boolean containsKey(String key) {
        return data(false).containsKey(key);
    }

    /**
     * Stores a JSON value under {@code key} and marks the session modified.
     *
     * @return the previous value, or {@code null}
     * @throws IllegalArgumentException if the value is not a JSON value, naming the key
     */
    public Object put(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Object canonical = JsonValues.canonicalize(key, value);
        Map<String, Object> data = data(false);
        modified = true;
        touched.add(key);
        return data.put(key, canonical);
    }

    /**
     * Stores every entry and marks the session modified, even when {@code values} is empty (Django's
     * {@code update}).
     */
    public void putAll(Map<String, ?> values) {
        Map<String, Object> checked = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : values.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "key");
            checked.put(key, JsonValues.canonicalize(key, e.getValue()));
        }
        Map<String, Object> data = data(false);
        modified = true;
        touched.addAll(checked.keySet());
        data.putAll(checked);
    }

    /**
     * Removes {@code key}; the session becomes modified only if the key was present.
     *
     * @return the removed value, or {@code null} if there was none
     */
    public Object remove(String key) {
        return pop(key, null);
    }

    /**
     * Removes and returns the value under {@code key} (Django's {@code pop} and {@code del}).
     *
     * @throws NoSuchElementException if the key is absent (the session stays unmodified)
     */
    public Object pop(String key) {
        Map<String, Object> data = data(false);
        if (!data.containsKey(key)) {
            throw new NoSuchElementException("no session key \"" + key + "\"");
        }
        modified = true;
        touched.add(key);
        return data.remove(key);
    }

    /** Removes and returns the value under {@code key}, or {@code defaultValue} if absent. */
    public Object pop(String key, Object defaultValue) {
        Map<String, Object> data = data(false);
        if (!data.containsKey(key)) {
            return defaultValue;
        }
        modified = true;
        touched.add(key);
        return data.remove(key);
    }

    /**
     * The value under {@code key}; if absent, stores {@code value} first and marks the session
     * modified (Django's {@code setdefault}).
     */
    public Object setDefault(String key, Object value) {
        Map<String, Object> data = data(false);
        if (data.containsKey(key)) {
            return data.get(key);
        }
        Object canonical = JsonValues.canonicalize(key, value);
        modified = true;
        touched.add(key);
        data.put(key, canonical);
        return canonical;
    }

    /** The keys, in insertion order: a read-only live view. Loads the session. */
    public Set<String> keySet() {
        return Collections.unmodifiableSet(data(false).keySet());
    }

    /** The values: a read-only live view. Loads the session. */
    public Collection<Object> values() {
        return Collections.unmodifiableCollection(data(false).values());
    }

    /** The entries: a read-only live view. Loads the session. */
    public Set<Map.Entry<String, Object>> entrySet() {
        return Collections.unmodifiableMap(data(false)).entrySet();
    }

    /** How many keys the session holds. Loads the session. */
    public int size() {
        return data(false).size();
    }

    /** Empties the session without loading it, and marks it accessed and modified. */
    public void clear() {
        cache = new LinkedHashMap<>();
        accessed = true;
        modified = true;
        cleared = true;
    }

    /**
     * Whether there is no session at all: no key, and no data loaded or put. A session with a key but
     * no data is not empty. Loads nothing and changes no flag.
     */
    public boolean isEmpty() {
        if (sessionKey != null) {
            return false;
        }
        return cache == null || cache.isEmpty();
    }

    // ---------------------------------------------------------------- flags

    /** Whether the data was read or written during this request. */
    public boolean isAccessed() {
        return accessed;
    }

    /** Whether the data changed during this request, so that it must be saved. */
    public boolean isModified() {
        return modified;
    }

    /** Sets the modified flag, for example after changing a stored list in place. */
    public void setModified(boolean modified) {
        this.modified = modified;
    }

    /** The session's key, or {@code null} when it has none (new, flushed, or unknown to the store). */
    public String getSessionKey() {
        return sessionKey;
    }

    // ---------------------------------------------------------------- test cookie

    /** Stores the test value, to check on the next request that the browser keeps cookies. */
    public void setTestCookie() {
        put(TEST_COOKIE_NAME, TEST_COOKIE_VALUE);
    }

    /** Whether the test value set on an earlier request came back. */
    public boolean testCookieWorked() {
        return TEST_COOKIE_VALUE.equals(get(TEST_COOKIE_NAME));
    }

    /**
     * Removes the test value.
     *
     * @throws NoSuchElementException if it is not set
     */
    public void deleteTestCookie() {
        pop(TEST_COOKIE_NAME);
    }

    // ---------------------------------------------------------------- expiry

    /**
     * Expires the session {@code seconds} after its last modification; {@code 0} means when the
     * browser closes.
     */
    public void setExpiry(long seconds) {
        put(EXPIRY_KEY, seconds);
    }

    /**
     * Expires the session at {@code instant}, stored as Django 4+ stores {@code set_expiry(datetime)}:
     * Python's {@code isoformat()} of the UTC instant to the microsecond, such as {@code
     * 2023-11-14T22:13:20.250000+00:00}.
     *
     * @throws IllegalArgumentException outside years 1 to 9999, which Python cannot read
     */
    public void setExpiry(Instant instant) {
        put(EXPIRY_KEY, PythonIsoDateTime.format(instant));
    }

    /** Expires the session {@code duration} from now (Django's {@code timedelta}). */
    public void setExpiry(Duration duration) {
        setExpiry(manager.clock().instant().plus(duration));
    }

    /** Removes any custom expiry, returning to the global policy (Django's {@code set_expiry(None)}). */
    public void clearExpiry() {
        remove(EXPIRY_KEY);
    }

    /** Seconds until the session expires, counted from now. Loads the session. */
    public long getExpiryAge() {
        return expiryAge(manager.clock().instant(), get(EXPIRY_KEY));
    }

    /** When the session expires, counted from now. Loads the session. */
    public Instant getExpiryDate() {
        return expiryDate(manager.clock().instant(), get(EXPIRY_KEY));
    }

    /** Whether the session cookie should end when the browser closes. Loads the session. */
    public boolean getExpireAtBrowserClose() {
        Object expiry = get(EXPIRY_KEY);
        if (expiry == null) {
            return manager.settings().expireAtBrowserClose();
        }
        return SessionExpiry.isZero(expiry);
    }

    private long expiryAge(Instant modification, Object expiry) {
        return SessionExpiry.expiryAge(modification, expiry, manager.settings().cookieAge());
    }

    private Instant expiryDate(Instant modification, Object expiry) {
        return SessionExpiry.expiryDate(modification, expiry, manager.settings().cookieAge());
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Whether the store holds a record under {@code key}. Malformed keys are answered {@code false}
     * without asking the store.
     */
    public boolean exists(String key) {
        return SessionKeys.isValid(key) && engine.acceptsKey(key) && engine.exists(key);
    }

    /**
     * Saves the data under a fresh key, retrying while keys collide, and marks the session modified.
     *
     * @throws SessionException if no free key is found after many attempts
     */
    public void create() {
        String previousKey = sessionKey;
        for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
            sessionKey = SessionKeys.generate();
            try {
                save(true);
                modified = true;
                return;
            } catch (CreateException e) {
                LOG.debug("session key collision, drawing another (attempt {})", attempt + 1);
            } catch (RuntimeException e) {
                // Nothing was stored under the drawn key: never hand it out as the session's key.
                sessionKey = previousKey;
                throw e;
            }
        }
        sessionKey = null;
        throw new SessionException("Unable to create a new session key after " + CREATE_ATTEMPTS
                + " attempts: the store reports every key as taken");
    }

    /**
     * Writes the session to the store: creates it under a fresh key when it has none, otherwise
     * replaces the stored record. When the engine can save conditionally and another request changed
     * the record since this one loaded it, {@link SessionSettings#conflictPolicy()} decides: merge this
     * request's changes into the other's (the default), fail, or overwrite.
     *
     * @throws UpdateException if the stored record was deleted since it was loaded (a delete always
     *     wins: the session is never recreated)
     * @throws SessionConflictException if the conflict policy gave up (nothing was stored)
     * @throws SessionTooLargeException if the store cannot hold the encoded session
     * @throws SessionStoreUnavailableException if the store cannot be reached
     */
    public void save() {
        save(false);
    }

    private void save(boolean mustCreate) {
        if (sessionKey == null) {
            create();
            return;
        }
        Map<String, Object> data = data(mustCreate);
        if (sessionKey == null) {
            // Loading found no record: a key the store does not know is never adopted.
            create();
            return;
        }
        Optional<ConditionalSave> conditional = engine.conditionalSave();
        boolean detectConflicts = !mustCreate
                && conditional.isPresent()
                && manager.settings().conflictPolicy() != ConflictPolicy.OVERWRITE
                && (loadedVersion != null || baseVersionUnknown);
        if (detectConflicts) {
            saveConditionally(conditional.get());
            return;
        }
        SessionRecord record = new SessionRecord(engine.codec().encode(data), getExpiryDateOf(data), null);
        sessionKey = engine.save(sessionKey, record, mustCreate ? SaveMode.CREATE : SaveMode.UPDATE);
        wrote(record);
    }

    /** After a write, later saves of this request compare with what it wrote. */
    private void wrote(SessionRecord record) {
        baseData = record.data();
        baseVersionUnknown = true;
        loadedVersion = null;
        touched.clear();
        cleared = false;
    }

    /**
     * Saves only if the record is still the version this request's changes are relative to; on a
     * conflict, applies the policy. One store call when nothing conflicts; a load and another save per
     * retry otherwise.
     */
    private void saveConditionally(ConditionalSave conditional) {
        ConflictPolicy policy = manager.settings().conflictPolicy();
        int retries = manager.settings().conflictRetries();
        SessionChanges changes = null;
        for (int attempt = 0; ; attempt++) {
            if (baseVersionUnknown) {
                // This request wrote the record earlier: learn its version, or find it changed.
                SessionRecord current = currentRecordOrDeleted();
                baseVersionUnknown = false;
                if (current.data().equals(baseData)) {
                    loadedVersion = current.version();
                } else {
                    changes = conflict(policy, attempt, retries, changes, current);
                    continue;
                }
            }
            SessionRecord record = new SessionRecord(engine.codec().encode(cache), getExpiryDateOf(cache), null);
            try {
                sessionKey = conditional.saveIfUnchanged(sessionKey, record, loadedVersion);
                wrote(record);
                if (changes != null) {
                    manager.countMerge(overwrittenKeys);
                }
                return;
            } catch (UpdateException changedOrDeleted) {
                if (attempt > 0) {
                    // Pause before reloading, not after: the reload must be as close as possible to
                    // the next conditional save, or a busy writer keeps winning the window between.
                    backOff(attempt);
                }
                changes = conflict(policy, attempt, retries, changes, currentRecordOrDeleted());
            }
        }
    }

    /** The record as stored now; a deleted or expired one ends the save, since a delete always wins. */
    private SessionRecord currentRecordOrDeleted() {
        Optional<SessionRecord> current = engine.load(sessionKey);
        if (current.isEmpty()) {
            throw new UpdateException(
                    "the session was deleted by another request since this one loaded it;" + " it is not recreated");
        }
        return current.get();
    }

    /**
     * Handles a save that found {@code current} instead of the version it expected: raises, or merges
     * this request's changes into {@code current} and returns them for the next attempt.
     */
    private SessionChanges conflict(
            ConflictPolicy policy, int attempt, int retries, SessionChanges changes, SessionRecord current) {
        if (attempt == 0) {
            manager.countConflict();
        }
        if (policy == ConflictPolicy.FAIL || attempt >= retries) {
            manager.countFailedSave();
            throw new SessionConflictException("another request changed this session since it was loaded"
                    + (policy == ConflictPolicy.FAIL
                            ? " (" + SessionSettings.CONFLICTS + "=fail)"
                            : "; gave up after " + retries + " merge retries")
                    + "; nothing was stored");
        }
        Map<String, Object> base = decodeOrEmpty(baseData);
        if (changes == null) {
            changes = SessionChanges.between(base, cache, touched, cleared);
        }
        Map<String, Object> theirs = decodeOrEmpty(current.data());
        if (attempt == 0) {
            overwrittenKeys = changes.overlapping(base, theirs);
        }
        cache = changes.applyTo(theirs);
        baseData = current.data();
        loadedVersion = current.version();
        baseVersionUnknown = false;
        return changes;
    }

    private Map<String, Object> decodeOrEmpty(String encoded) {
        if (encoded == null) {
            return new LinkedHashMap<>();
        }
        try {
            return engine.codec().decode(encoded).data();
        } catch (SessionException e) {
            return new LinkedHashMap<>();
        }
    }

    /** A short random pause before the second and later retries, so that colliding requests spread out. */
    private static void backOff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(1, 1 + (1 << Math.min(attempt, 5))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SessionConflictException("interrupted while retrying a conflicting save; nothing was stored");
        }
    }

    private Instant getExpiryDateOf(Map<String, Object> data) {
        return expiryDate(manager.clock().instant(), data.get(EXPIRY_KEY));
    }

    /**
     * Deletes the stored record of this session (the data stays in memory, as in Django). With an
     * engine that keeps no server records, this empties the session instead.
     */
    public void delete() {
        if (sessionKey == null) {
            return;
        }
        deleteRecord(sessionKey);
        if (!engine.storesRecords()) {
            sessionKey = null;
            cache = new LinkedHashMap<>();
            modified = true;
        }
    }

    private void deleteRecord(String key) {
        if (engine.acceptsKey(key)) {
            engine.delete(key);
        }
    }

    /**
     * Empties the session and deletes its record, leaving no key (use on logout). Nothing new is
     * stored until data is added and saved.
     */
    public void flush() {
        clear();
        delete();
        sessionKey = null;
    }

    /**
     * Keeps the data under a new key and deletes the old record (use on login, against session
     * fixation).
     */
    public void cycleKey() {
        Map<String, Object> data = data(false);
        String oldKey = sessionKey;
        create();
        cache = data;
        if (oldKey != null) {
            deleteRecord(oldKey);
        }
    }

    /** The version of the record as loaded, for conflict-detecting saves; {@code null} if none. */
    Optional<Object> loadedVersion() {
        return Optional.ofNullable(loadedVersion);
    }

    // ---------------------------------------------------------------- loading

    private Map<String, Object> data(boolean noLoad) {
        accessed = true;
        if (cache == null) {
            cache = sessionKey == null || noLoad ? new LinkedHashMap<>() : load();
        }
        return cache;
    }

    private Map<String, Object> load() {
        if (!engine.acceptsKey(sessionKey)) {
            SECURITY_LOG.warn("Session key refused by the {} engine: malformed (not looked up)", engine.name());
            sessionKey = null;
            return new LinkedHashMap<>();
        }
        Optional<SessionRecord> found = engine.load(sessionKey);
        if (found.isEmpty()) {
            sessionKey = null;
            return new LinkedHashMap<>();
        }
        SessionRecord record = found.get();
        DecodedSession decoded;
        try {
            decoded = engine.codec().decode(record.data());
        } catch (SignatureExpiredException e) {
            return unusable(false);
        } catch (SessionException e) {
            SECURITY_LOG.warn(
                    "Session data corrupted ({} engine): {}",
                    engine.name(),
                    e.getClass().getSimpleName());
            return unusable(false);
        }
        if (record.expiry() == null && decoded.signedAt() != null) {
            Instant expiry = expiryDate(decoded.signedAt(), decoded.data().get(EXPIRY_KEY));
            if (manager.clock().instant().isAfter(expiry)) {
                return unusable(true);
            }
        }
        loadedVersion = record.version();
        baseData = record.data();
        return decoded.data();
    }

    /**
     * A record that exists but cannot be used. Server-side, a corrupt record keeps its key so a later
     * save overwrites it, and an expired one is treated as missing. Without server records (cookies),
     * the session is marked modified so that a fresh cookie replaces the bad one, as in Django.
     */
    private Map<String, Object> unusable(boolean expired) {
        if (!engine.storesRecords()) {
            modified = true;
        } else if (expired) {
            sessionKey = null;
        }
        return new LinkedHashMap<>();
    }

    @Override
    public String toString() {
        return "Session{engine=" + engine.name() + ", key=" + (sessionKey == null ? "none" : "<hidden>") + ", loaded="
                + (cache != null) + ", accessed=" + accessed + ", modified=" + modified + "}";
    }
}
