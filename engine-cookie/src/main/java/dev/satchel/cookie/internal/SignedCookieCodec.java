package dev.satchel.cookie.internal;

import dev.satchel.BadSignatureException;
import dev.satchel.MalformedPayloadException;
import dev.satchel.codec.DecodedSession;
import dev.satchel.codec.SessionCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Django's {@code signed_cookies} encoding ({@code signing.dumps(data, salt=SALT, compress=True)},
 * read with {@code max_age=SESSION_COOKIE_AGE}), checked further than Django checks it: an oversized
 * value is refused unread, an expired one is reported once on the security logger, and a signing time
 * more than {@link SecurityLog#MAX_CLOCK_SKEW} in the future is refused.
 *
 * <p><b>Internal:</b> not part of Satchel's API.
 */
public final class SignedCookieCodec implements SessionCodec {
    private final String engineName;
    private final SessionCodec django;
    private final Duration maxAge;
    private final Clock clock;

    /**
     * @param django the Django codec with the cookie salt, the fallback keys and {@code maxAge}
     */
    public SignedCookieCodec(String engineName, SessionCodec django, Duration maxAge, Clock clock) {
        this.engineName = engineName;
        this.django = django;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public String encode(Map<String, Object> data) {
        return django.encode(data);
    }

    @Override
    public DecodedSession decode(String encoded) {
        if (encoded.length() > CookieStore.MAX_VALUE_CHARS) {
            throw new MalformedPayloadException("session cookie longer than " + CookieStore.MAX_VALUE_CHARS
                    + " characters (" + encoded.length() + "); not decoded");
        }
        DecodedSession decoded;
        try {
            decoded = django.decode(encoded);
        } catch (dev.satchel.SignatureExpiredException e) {
            SecurityLog.expired(engineName, "signed more than the cookie age of " + maxAge.getSeconds() + " s ago");
            throw e;
        }
        Instant signedAt = decoded.signedAt();
        if (signedAt == null) {
            // Only the pre-3.1 server-side format has no time; Django never wrote cookies in it.
            throw new BadSignatureException("session cookie carries no signing time");
        }
        if (SecurityLog.fromTheFuture(signedAt, clock.instant())) {
            throw new BadSignatureException("session cookie signed "
                    + (signedAt.getEpochSecond() - clock.instant().getEpochSecond())
                    + " s in the future, beyond the allowed clock skew of "
                    + SecurityLog.MAX_CLOCK_SKEW.getSeconds() + " s");
        }
        return decoded;
    }
}
