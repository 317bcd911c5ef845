package dev.satchel.web;

import dev.satchel.SessionSettings;
import java.util.Objects;
import java.util.Optional;

/**
 * The session cookie's name and attributes, as the middleware writes them. Normally taken from
 * validated {@link SessionSettings} ({@link #from}); the builder accepts any combination Django
 * accepts, so that its output can be compared with Django's.
 *
 * @param name the cookie name
 * @param domain the Domain attribute, or {@code null}
 * @param path the Path attribute
 * @param secure whether Secure is set
 * @param httpOnly whether HttpOnly is set
 * @param sameSite the SameSite value as configured (case kept), or {@code null} for none
 * @param partitioned whether the Partitioned attribute (CHIPS) is set
 */
public record SessionCookieSpec(
        String name,
        String domain,
        String path,
        boolean secure,
        boolean httpOnly,
        String sameSite,
        boolean partitioned) {
    public SessionCookieSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
    }

    /** A cookie without the Partitioned attribute, the only kind Django 6.1 and earlier write. */
    public SessionCookieSpec(
            String name, String domain, String path, boolean secure, boolean httpOnly, String sameSite) {
        this(name, domain, path, secure, httpOnly, sameSite, false);
    }

    /** The cookie described by the settings (already checked for insecure combinations). */
    public static SessionCookieSpec from(SessionSettings settings) {
        return new SessionCookieSpec(
                settings.cookieName(),
                settings.cookieDomain().orElse(null),
                settings.cookiePath(),
                settings.cookieSecure(),
                settings.cookieHttpOnly(),
                settings.cookieSameSite().orElse(null),
                settings.cookiePartitioned());
    }

    /** The Domain attribute, if any. */
    public Optional<String> domainAttribute() {
        return Optional.ofNullable(domain);
    }
}
