package dev.satchel.cookie;

import dev.satchel.codec.SessionCodec;
import dev.satchel.cookie.internal.CookieStore;
import dev.satchel.cookie.internal.SetCookieSize;
import dev.satchel.cookie.internal.SignedCookieCodec;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.util.Optional;

/**
 * Django's {@code signed_cookies} engine: the cookie value is the session itself, signed (not
 * encrypted: the client can read it) with salt {@value #SALT}, compressed when that helps, and
 * refused once older than the cookie age. Django reads the cookies it writes and it reads Django's.
 *
 * <p>Beyond Django: a custom expiry ({@code setExpiry}) shorter than the cookie age is enforced
 * (Django ticket #19201); a session whose {@code Set-Cookie} header could exceed 4096 bytes is refused
 * at save with {@link dev.satchel.SessionTooLargeException} instead of being dropped by the browser;
 * incoming values over 4096 characters or outside the format's alphabet are not decoded; a signing
 * time more than five minutes in the future is refused.
 *
 * <p>As in Django, there is no server-side record: logging out cannot revoke a copied cookie before
 * it expires. Thread-safe.
 */
public final class SignedCookieEngine implements SessionEngine {
    /** The engine's name in settings. */
    public static final String NAME = "signed_cookies";

    /** Django's dotted engine name, accepted as an alias. */
    public static final String DJANGO_NAME = "django.contrib.sessions.backends.signed_cookies";

    /** The salt Django's {@code signed_cookies} backend signs with. */
    public static final String SALT = "django.contrib.sessions.backends.signed_cookies";

    private final SessionCodec codec;
    private final CookieStore store;

    /** An engine for the context's settings (secret key, fallback keys, cookie name, age and attributes). */
    public SignedCookieEngine(EngineContext context) {
        var settings = context.settings();
        this.codec = new SignedCookieCodec(
                NAME, context.signedCodec(SALT, settings.cookieAge()), settings.cookieAge(), context.clock());
        this.store = new CookieStore(CookieStore.Format.SIGNED, new SetCookieSize(settings), context.clock());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionCodec codec() {
        return codec;
    }

    /** {@code false}: the session lives in the cookie. */
    @Override
    public boolean storesRecords() {
        return false;
    }

    /**
     * Values of 1 to 4096 characters shaped like Django's {@code [.]payload:timestamp:signature}; anything
     * else (a server-side key, an encrypted cookie, junk) is not read.
     */
    @Override
    public boolean acceptsKey(String key) {
        return store.accepts(key);
    }

    /** The cookie value itself, with no expiry: the session derives it from the signing time. */
    @Override
    public Optional<SessionRecord> load(String key) {
        return store.load(key);
    }

    /**
     * Returns the new cookie value, which is the encoded session.
     *
     * @throws dev.satchel.SessionTooLargeException if its Set-Cookie header could exceed 4096 bytes
     */
    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        return store.save(record);
    }

    /** Always {@code false}: there is no record on the server (as in Django). */
    @Override
    public boolean exists(String key) {
        return false;
    }

    /** Nothing to delete on the server; the session layer empties the session. */
    @Override
    public void delete(String key) {}

    @Override
    public String toString() {
        return "SignedCookieEngine[" + NAME + "]";
    }
}
