package dev.satchel.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The signed cookie's floor: Django's {@code signed_cookies} format done directly ({@link
 * DjangoCodec} under the backend's salt, the age checked against the cookie age), the least any cookie
 * Django can read costs. Satchel's {@code signed_cookies} engine reads what this writes. Thread-safe.
 */
final class DjangoCookieFloor implements Floor {
    /** The salt of Django's {@code signed_cookies} backend. */
    static final String SALT = "django.contrib.sessions.backends.signed_cookies";

    private final DjangoCodec codec;

    /**
     * @param secret Django's {@code SECRET_KEY}
     * @param maxAge the cookie age: older cookies are refused on load
     * @param clock the signing time and the age check (the engine's clock)
     */
    DjangoCookieFloor(String secret, Duration maxAge, Clock clock) {
        this.codec = new DjangoCodec(secret, SALT, maxAge, clock);
    }

    @Override
    public Object load(String cookie) {
        return codec.decode(cookie);
    }

    @Override
    public String save(String key, Map<String, Object> data, String encoded, Instant expiry) {
        return codec.encode(data);
    }

    @Override
    public String create(Map<String, Object> data, String encoded, Instant expiry) {
        return codec.encode(data);
    }

    /** The cookie value for {@code data}, signed now. */
    String write(Map<String, Object> data) {
        return codec.encode(data);
    }

    @Override
    public void close() {}
}
