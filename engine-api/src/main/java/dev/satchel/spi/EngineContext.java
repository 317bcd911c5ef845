package dev.satchel.spi;

import dev.satchel.SessionSettings;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.codec.SessionCodec;
import dev.satchel.codec.SessionSerializer;
import dev.satchel.codec.SignedSessionCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What an engine is given to build itself: the settings, the clock every expiry is computed with,
 * and the codecs it may use. Nothing else of Satchel's machinery is reachable from here.
 */
public final class EngineContext {
    /** The salt Django's server-side engines sign with ({@code "django.contrib.sessions." + "SessionStore"}). */
    public static final String SESSION_STORE_SALT = "django.contrib.sessions.SessionStore";

    private final SessionSettings settings;
    private final Clock clock;
    private final SessionSerializer serializer;
    private final SessionCodec codec;

    private EngineContext(SessionSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        // Sessions are always written without repeated keys; reading one that has them is refused.
        this.serializer = JsonSerializer.builder().rejectDuplicateKeys(true).build();
        this.codec = signedCodec(SESSION_STORE_SALT, null);
    }

    /** A context for these settings and this clock. */
    public static EngineContext of(SessionSettings settings, Clock clock) {
        return new EngineContext(settings, clock);
    }

    /** The validated settings, including the engine's own {@code satchel.<engine>.*} keys. */
    public SessionSettings settings() {
        return settings;
    }

    /** The clock for every expiry computation; tests pass a controllable one. */
    public Clock clock() {
        return clock;
    }

    /** The session serializer ({@code json}, refusing objects that repeat a key). */
    public SessionSerializer serializer() {
        return serializer;
    }

    /** Django's server-side encoding: signed with {@link #SESSION_STORE_SALT}, compressed, timestamped. */
    public SessionCodec codec() {
        return codec;
    }

    /**
     * A signed codec with another salt and, optionally, a maximum age checked on decode (the cookie
     * engine uses its own salt and the cookie age).
     */
    public SessionCodec signedCodec(String salt, Duration maxAge) {
        return SignedSessionCodec.builder()
                .secretKey(settings.secretKey())
                .fallbackKeys(settings.secretKeyFallbacks())
                .algorithm(settings.signingAlgorithm())
                .salt(salt)
                .maxAge(maxAge)
                .maxPayloadBytes(settings.maxPayloadBytes())
                .acceptDjango32Formats(settings.acceptDjango32Formats())
                .serializer(serializer)
                .clock(clock)
                .build();
    }
}
