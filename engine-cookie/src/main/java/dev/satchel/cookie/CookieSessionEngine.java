package dev.satchel.cookie;

import dev.satchel.codec.SessionCodec;
import dev.satchel.cookie.internal.CookieStore;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.util.Optional;

/**
 * What both cookie engines share: the session is the cookie value, there is no server-side record,
 * the value's shape is checked before any decoding, and saving refuses a cookie the browser would
 * drop. The engines differ only in their codec and the value's format.
 */
abstract class CookieSessionEngine implements SessionEngine {
    private final String name;
    private final SessionCodec codec;
    private final CookieStore store;

    CookieSessionEngine(String name, SessionCodec codec, CookieStore store) {
        this.name = name;
        this.codec = codec;
        this.store = store;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final SessionCodec codec() {
        return codec;
    }

    /** {@code false}: the session lives in the cookie. */
    @Override
    public final boolean storesRecords() {
        return false;
    }

    /** Values of 1 to 4096 characters in this engine's format; anything else is not read. */
    @Override
    public final boolean acceptsKey(String key) {
        return store.accepts(key);
    }

    /** The cookie value itself, with no expiry: the session derives it from the signing time. */
    @Override
    public final Optional<SessionRecord> load(String key) {
        return store.load(key);
    }

    /**
     * Returns the new cookie value, which is the encoded session.
     *
     * @throws dev.satchel.SessionTooLargeException if its Set-Cookie header could exceed 4096 bytes
     */
    @Override
    public final String save(String key, SessionRecord record, SaveMode mode) {
        return store.save(record);
    }

    /** Always {@code false}: there is no record on the server. */
    @Override
    public final boolean exists(String key) {
        return false;
    }

    /** Nothing to delete on the server; the session layer empties the session. */
    @Override
    public final void delete(String key) {}

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
