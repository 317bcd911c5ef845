package dev.satchel.cookie;

import dev.satchel.cookie.internal.CookieStore;
import dev.satchel.cookie.internal.SetCookieSize;
import dev.satchel.cookie.internal.SignedCookieCodec;
import dev.satchel.spi.EngineContext;

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
public final class SignedCookieEngine extends CookieSessionEngine {
    /** The engine's name in settings. */
    public static final String NAME = "signed_cookies";

    /** Django's dotted engine name, accepted as an alias. */
    public static final String DJANGO_NAME = "django.contrib.sessions.backends.signed_cookies";

    /** The salt Django's {@code signed_cookies} backend signs with. */
    public static final String SALT = "django.contrib.sessions.backends.signed_cookies";

    /** An engine for the context's settings (secret key, fallback keys, cookie name, age and attributes). */
    public SignedCookieEngine(EngineContext context) {
        super(
                NAME,
                new SignedCookieCodec(
                        NAME,
                        context.signedCodec(SALT, context.settings().cookieAge()),
                        context.settings().cookieAge(),
                        context.clock()),
                new CookieStore(CookieStore.Format.SIGNED, new SetCookieSize(context.settings()), context.clock()));
    }
}
