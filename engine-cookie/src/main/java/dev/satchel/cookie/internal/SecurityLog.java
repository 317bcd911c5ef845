package dev.satchel.cookie.internal;

import dev.satchel.SignatureExpiredException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks of a cookie's signing time shared by both cookie engines, and the security logger they
 * report on (the one the session layer uses, Django's {@code django.security.SuspiciousSession}).
 *
 * <p>The session layer logs one warning for every undecodable value except an expired one, which it
 * treats as ordinary. A cookie is different: the browser drops it when its Max-Age runs out, so an
 * expired cookie that comes back was kept or replayed on purpose. The engines therefore log that
 * warning themselves, once, and let the session layer stay silent.
 *
 * <p><b>Internal:</b> not part of Satchel's API.
 */
public final class SecurityLog {
    /** The logger name; the same as the session layer's. */
    public static final String LOGGER = "dev.satchel.security.SuspiciousSession";

    /** How far in the future a signing time may lie (clock skew between servers). */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private SecurityLog() {}

    /** Logs the one warning for an expired cookie. */
    public static void expired(String engine, String detail) {
        LOG.warn("Session cookie expired ({} engine): {}", engine, detail);
    }

    /**
     * Whether a cookie signed at {@code signedAt} claims to come from further in the future than the
     * allowed clock skew. Django accepts any future time, so a stolen signing key could mint cookies
     * that never expire; Satchel refuses them.
     */
    public static boolean fromTheFuture(Instant signedAt, Instant now) {
        return signedAt.isAfter(now.plus(MAX_CLOCK_SKEW));
    }

    /**
     * Refuses a cookie older than {@code maxAge}, as Django's {@code TimestampSigner} does: the age is
     * now (with its fraction) minus the whole seconds of the signing time, and an age equal to the
     * maximum still passes.
     *
     * @throws SignatureExpiredException after logging the one warning
     */
    public static void checkAge(String engine, long signedAtSeconds, Instant now, Duration maxAge) {
        // Compared without subtracting the signing time, which could overflow.
        long oldestAllowed = now.getEpochSecond() - maxAge.getSeconds();
        boolean expired = signedAtSeconds < oldestAllowed
                || (signedAtSeconds == oldestAllowed && now.getNano() > maxAge.getNano());
        if (expired) {
            String detail = "signed at " + signedAtSeconds + " (epoch seconds), more than the cookie age of "
                    + maxAge.getSeconds() + " s ago";
            expired(engine, detail);
            throw new SignatureExpiredException("Session cookie " + detail);
        }
    }
}
