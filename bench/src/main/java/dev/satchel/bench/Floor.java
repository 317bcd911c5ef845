package dev.satchel.bench;

import java.time.Instant;
import java.util.Map;

/**
 * The raw store an engine is compared with: the same client and the same bytes, and nothing of
 * Satchel (no session object, no codec for server-side stores). Implementations are thread-safe.
 */
public interface Floor extends AutoCloseable {

    /** Reads the value stored under {@code key} (cookie floors: verifies and parses the cookie). */
    Object load(String key);

    /**
     * Replaces the value under an existing {@code key}.
     *
     * @param data the session (cookie floors serialize it themselves)
     * @param encoded the engine's encoding of the session (what server-side floors store)
     * @return the key it is now stored under (a cookie floor returns the new cookie)
     */
    String save(String key, Map<String, Object> data, String encoded, Instant expiry);

    /** Stores the value under a fresh key and returns that key (or cookie). */
    String create(Map<String, Object> data, String encoded, Instant expiry);

    @Override
    void close();
}
