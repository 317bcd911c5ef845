package dev.satchel.cookie;

import dev.satchel.SessionSettings;
import dev.satchel.cookie.internal.CookieKey;
import dev.satchel.cookie.internal.CookieStore;
import dev.satchel.cookie.internal.EncryptedCookieCodec;
import dev.satchel.cookie.internal.SetCookieSize;
import dev.satchel.spi.EngineContext;
import java.util.ArrayList;
import java.util.List;

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
public final class EncryptedCookieEngine extends CookieSessionEngine {
    /** The engine's name in settings. */
    public static final String NAME = "encrypted_cookies";

    /** An engine for the context's settings (secret key, fallback keys, cookie name, age and attributes). */
    public EncryptedCookieEngine(EngineContext context) {
        super(
                NAME,
                codec(context),
                new CookieStore(CookieStore.Format.ENCRYPTED, new SetCookieSize(context.settings()), context.clock()));
    }

    private static EncryptedCookieCodec codec(EngineContext context) {
        SessionSettings settings = context.settings();
        List<CookieKey> keys = new ArrayList<>();
        keys.add(CookieKey.derive(settings.secretKey(), SessionSettings.SECRET_KEY));
        List<String> fallbacks = settings.secretKeyFallbacks();
        for (int i = 0; i < fallbacks.size(); i++) {
            keys.add(CookieKey.derive(fallbacks.get(i), SessionSettings.SECRET_KEY_FALLBACKS + "[" + i + "]"));
        }
        return new EncryptedCookieCodec(
                NAME,
                keys,
                settings.cookieName(),
                context.serializer(),
                settings.cookieAge(),
                context.clock(),
                settings.maxPayloadBytes());
    }
}
