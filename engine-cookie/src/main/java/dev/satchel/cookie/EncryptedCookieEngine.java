package dev.satchel.cookie;

import dev.satchel.SessionSettings;
import dev.satchel.codec.SessionCodec;
import dev.satchel.cookie.internal.CookieKey;
import dev.satchel.cookie.internal.CookieStore;
import dev.satchel.cookie.internal.EncryptedCookieCodec;
import dev.satchel.cookie.internal.SetCookieSize;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sessions kept in the cookie like {@link SignedCookieEngine}, but encrypted and authenticated with
 * AES-256-GCM, so the client can neither read nor change them. The key is derived from the secret
 * key (HKDF-SHA256 with a purpose string, so it is unrelated to Django's signing keys); each value
 * names the key that made it, so cookies made under a key in the fallback list still load and are
 * re-encrypted under the current key on their next save. The cookie name is bound into every value.
 *
 * <p>The format is Satchel's own ({@code v1.<key id>.<base64url(nonce|ciphertext|tag)>}): Django
 * cannot read these cookies. Expiry, the size guard and the refusal of oversized or foreign values
 * work as in {@link SignedCookieEngine}. Thread-safe.
 */
public final class EncryptedCookieEngine implements SessionEngine {
    /** The engine's name in settings. */
    public static final String NAME = "encrypted_cookies";

    private final EncryptedCookieCodec codec;
    private final CookieStore store;

    /** An engine for the context's settings (secret key, fallback keys, cookie name, age and attributes). */
    public EncryptedCookieEngine(EngineContext context) {
        SessionSettings settings = context.settings();
        List<CookieKey> keys = new ArrayList<>();
        keys.add(CookieKey.derive(settings.secretKey(), SessionSettings.SECRET_KEY));
        List<String> fallbacks = settings.secretKeyFallbacks();
        for (int i = 0; i < fallbacks.size(); i++) {
            keys.add(CookieKey.derive(fallbacks.get(i), SessionSettings.SECRET_KEY_FALLBACKS + "[" + i + "]"));
        }
        this.codec = new EncryptedCookieCodec(
                NAME,
                keys,
                settings.cookieName(),
                context.serializer(),
                settings.cookieAge(),
                context.clock(),
                settings.maxPayloadBytes());
        this.store = new CookieStore(CookieStore.Format.ENCRYPTED, new SetCookieSize(settings), context.clock());
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
     * Values of 1 to 4096 characters shaped like {@code v1.<key id>.<data>} in base64url; anything else
     * (a server-side key, a signed cookie, junk) is not read.
     */
    @Override
    public boolean acceptsKey(String key) {
        return store.accepts(key);
    }

    /** The cookie value itself, with no expiry: the session derives it from the issue time. */
    @Override
    public Optional<SessionRecord> load(String key) {
        return store.load(key);
    }

    /**
     * Returns the new cookie value, which is the encrypted session.
     *
     * @throws dev.satchel.SessionTooLargeException if its Set-Cookie header could exceed 4096 bytes
     */
    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        return store.save(record);
    }

    /** Always {@code false}: there is no record on the server. */
    @Override
    public boolean exists(String key) {
        return false;
    }

    /** Nothing to delete on the server; the session layer empties the session. */
    @Override
    public void delete(String key) {}

    @Override
    public String toString() {
        return "EncryptedCookieEngine[" + NAME + "]";
    }
}
