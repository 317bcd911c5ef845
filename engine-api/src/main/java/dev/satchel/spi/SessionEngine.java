package dev.satchel.spi;

import dev.satchel.codec.SessionCodec;
import java.util.Optional;

/**
 * The storage contract: load, save, check and delete one encoded session record by key. An engine
 * knows nothing about the session's flags or data; {@link dev.satchel.Session} drives it. Engines
 * must be thread-safe: one instance serves every request.
 *
 * <p>Optional capabilities come as {@link Optional} views, so engines written today keep working as
 * the SPI grows through default methods.
 */
public interface SessionEngine extends AutoCloseable {

    /** The engine's stable name, as used in settings (for example {@code db}). */
    String name();

    /** How sessions are encoded for this engine; server-side engines use the context's codec. */
    SessionCodec codec();

    /**
     * Whether keys name records kept on the server. The cookie engine returns {@code false}: its key
     * is the signed session itself, so deleting "the record" means emptying the session.
     */
    default boolean storesRecords() {
        return true;
    }

    /**
     * Whether {@code key} is well-formed for this engine. Keys that fail are never passed to {@link
     * #load}, {@link #exists} or {@link #delete}; the session simply has no stored record. The
     * default accepts 8 to 40 characters of {@code [a-z0-9]}, the keys Satchel and Django generate.
     */
    default boolean acceptsKey(String key) {
        int n = key.length();
        if (n < 8 || n > 40) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The live record under {@code key}, or empty if there is none or it has expired.
     *
     * @throws dev.satchel.SessionStoreUnavailableException if the store cannot answer
     */
    Optional<SessionRecord> load(String key);

    /**
     * Stores a record under {@code key}.
     *
     * @return the key the session is now stored under: {@code key} for server-side engines, the new
     *     cookie value for the cookie engine
     * @throws dev.satchel.CreateException in {@link SaveMode#CREATE} when the key is taken
     * @throws dev.satchel.UpdateException in {@link SaveMode#UPDATE} when the record is gone
     * @throws dev.satchel.SessionTooLargeException when the record exceeds what the store can hold
     * @throws dev.satchel.SessionStoreUnavailableException if the store cannot answer
     */
    String save(String key, SessionRecord record, SaveMode mode);

    /** Whether a record exists under {@code key}, expired or not. */
    boolean exists(String key);

    /** Deletes the record under {@code key}; a missing record is not an error. */
    void delete(String key);

    /** Saving only if unchanged since load, when the store can do it atomically. */
    default Optional<ConditionalSave> conditionalSave() {
        return Optional.empty();
    }

    /** Deleting expired records, for stores that do not expire them by themselves. */
    default Optional<ExpiredSessionSweeper> sweeper() {
        return Optional.empty();
    }

    /** Releases connections, pools and threads. The default does nothing. */
    @Override
    default void close() {}
}
