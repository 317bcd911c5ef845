package dev.satchel.spi;

import dev.satchel.internal.PythonIsoDateTime;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

/**
 * Django's expiry rule, for engines that must work out a session's expiry from its data (the file
 * engine reading a Django-written file, the cookie engine): {@code _session_expiry} holds seconds
 * counted from the last modification (0 or absent: the cookie age) or an ISO-8601 instant (Django
 * 4+'s {@code set_expiry(datetime)}). A value that is neither (a malformed string, a list) is
 * ignored, so the cookie age applies: a bad value never fails a load and never makes a session
 * outlive the configured policy.
 */
public final class SessionExpiry {
    private SessionExpiry() {}

    /**
     * When a session expires.
     *
     * @param modifiedAt the session's last modification (its signing time)
     * @param expiry the {@code _session_expiry} value from its data, or {@code null}
     * @param cookieAge the configured cookie age
     */
    public static Instant expiryDate(Instant modifiedAt, Object expiry, Duration cookieAge) {
        if (expiry instanceof String s) {
            Instant at = parseIso(s);
            if (at != null) {
                return at;
            }
            return modifiedAt.plus(cookieAge);
        }
        if (expiry == null || isZero(expiry)) {
            return modifiedAt.plus(cookieAge);
        }
        return plusSaturating(modifiedAt, seconds(expiry, cookieAge));
    }

    /** Far enough to mean "never" and "long ago", near enough that no instant arithmetic overflows. */
    private static final long LIMIT_SECONDS = 1_000_000_000_000L;

    private static Instant plusSaturating(Instant base, long seconds) {
        long clamped = Math.max(-LIMIT_SECONDS, Math.min(LIMIT_SECONDS, seconds));
        return base.plusSeconds(clamped);
    }

    /**
     * Seconds until expiry counted from {@code now}, as Django's {@code get_expiry_age}: an integer
     * expiry is returned as it is, an instant is counted from {@code now} (floored).
     */
    public static long expiryAge(Instant now, Object expiry, Duration cookieAge) {
        if (expiry == null || isZero(expiry)) {
            return cookieAge.getSeconds();
        }
        if (expiry instanceof String s) {
            Instant at = parseIso(s);
            return at == null
                    ? cookieAge.getSeconds()
                    : Duration.between(now, at).getSeconds();
        }
        return seconds(expiry, cookieAge);
    }

    /** Whether the value means "expire at browser close" (Django's {@code expiry == 0}). */
    public static boolean isZero(Object expiry) {
        if (expiry instanceof Boolean b) {
            return !b;
        }
        return expiry instanceof Number n && n.doubleValue() == 0.0;
    }

    private static long seconds(Object expiry, Duration cookieAge) {
        if (expiry instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (expiry instanceof BigInteger big) {
            return big.signum() > 0 ? LIMIT_SECONDS : -LIMIT_SECONDS;
        }
        if (expiry instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d)) {
                return cookieAge.getSeconds();
            }
            return (long) Math.max(Math.min(d, LIMIT_SECONDS), -LIMIT_SECONDS);
        }
        return cookieAge.getSeconds();
    }

    /**
     * Reads what Python 3.11's {@code datetime.fromisoformat} reads (see {@link PythonIsoDateTime}
     * for the exact forms); a value without an offset is taken as UTC. Returns {@code null} for
     * anything else, which the expiry rules above then ignore: the cookie age applies, where Django
     * would raise on every request of that session.
     */
    public static Instant parseIso(String text) {
        return PythonIsoDateTime.parse(text);
    }
}
