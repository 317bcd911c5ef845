package dev.satchel.auth;

import dev.satchel.Session;
import dev.satchel.SessionSettings;
import dev.satchel.internal.SensitiveValues;
import dev.satchel.signing.SaltedHmac;
import dev.satchel.signing.SigningAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Django's {@code login}, {@code logout} and session auth hash over a {@link Session}, so a Java
 * service and a Django app agree on who is logged in. The hash is an HMAC of the user's stored
 * password hash: changing the password invalidates every other session of that user. Keys are
 * derived once; one instance serves every request.
 */
public final class SessionAuth {
    /** The session key holding the user's primary key, as a string. */
    public static final String USER_ID = "_auth_user_id";
    /** The session key holding the dotted name of the authentication backend. */
    public static final String BACKEND = "_auth_user_backend";
    /** The session key holding the session auth hash. */
    public static final String HASH = "_auth_user_hash";
    /** The salt of Django's {@code AbstractBaseUser.get_session_auth_hash}. */
    public static final String HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash";
    /** Django's default backend name. */
    public static final String MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend";

    private final SaltedHmac current;
    private final List<SaltedHmac> fallbacks = new ArrayList<>();

    /** Helpers signing with the settings' secret key and verifying with its fallbacks too. */
    public SessionAuth(SessionSettings settings) {
        this.current = SaltedHmac.of(HASH_SALT, settings.secretKey(), SigningAlgorithm.SHA256);
        for (String key : settings.secretKeyFallbacks()) {
            fallbacks.add(SaltedHmac.of(HASH_SALT, key, SigningAlgorithm.SHA256));
        }
    }

    /** The session auth hash of a stored password hash (64 lower-case hex characters). */
    public String sessionAuthHash(String passwordHash) {
        SensitiveValues.handled(passwordHash);
        String hash = HexFormat.of().formatHex(current.digest(passwordHash.getBytes(StandardCharsets.UTF_8)));
        SensitiveValues.handled(hash);
        return hash;
    }

    /**
     * Logs a user in: an anonymous session keeps its data under a new key (against session
     * fixation); a session holding another user, or the same user with another password, is
     * flushed first; the same user with the same hash changes nothing but the stored values.
     */
    public void login(Session session, String userId, String backend, String passwordHash) {
        Objects.requireNonNull(userId, "userId");
        String hash = passwordHash == null ? "" : sessionAuthHash(passwordHash);
        Object storedId = session.get(USER_ID);
        if (storedId != null) {
            Object storedHash = session.get(HASH);
            boolean sameHash = hash.isEmpty() || (storedHash instanceof String s && constantTimeEquals(s, hash));
            if (!userId.equals(String.valueOf(storedId)) || !sameHash) {
                session.flush();
            }
        } else {
            session.cycleKey();
        }
        session.put(USER_ID, userId);
        session.put(BACKEND, backend == null ? MODEL_BACKEND : backend);
        session.put(HASH, hash);
    }

    /** Logs out: the session is emptied and its record deleted; the middleware deletes the cookie. */
    public void logout(Session session) {
        session.flush();
    }

    /** The logged-in user's id as stored, if any (no hash check: use {@link #verify}). */
    public Optional<String> userId(Session session) {
        Object id = session.get(USER_ID);
        return id == null ? Optional.empty() : Optional.of(String.valueOf(id));
    }

    /**
     * Checks, on each request, that the session still belongs to the user whose current stored
     * password hash is {@code currentPasswordHash}. A hash made with a fallback secret is accepted
     * once and replaced (the key cycles); a mismatch flushes the session, logging the user out.
     *
     * @return the user id when the session is valid, else empty
     */
    public Optional<String> verify(Session session, String currentPasswordHash) {
        Optional<String> id = userId(session);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Object stored = session.get(HASH);
        String storedHash = stored instanceof String s ? s : "";
        byte[] password = currentPasswordHash.getBytes(StandardCharsets.UTF_8);
        if (!storedHash.isEmpty() && constantTimeEquals(storedHash, hex(current, password))) {
            return id;
        }
        for (SaltedHmac fallback : fallbacks) {
            if (!storedHash.isEmpty() && constantTimeEquals(storedHash, hex(fallback, password))) {
                session.cycleKey();
                session.put(HASH, hex(current, password));
                return id;
            }
        }
        session.flush();
        return Optional.empty();
    }

    /**
     * After the user changed their password in this request: keeps this session logged in under a
     * new key with the new hash, while every other session of the user fails {@link #verify}.
     */
    public void updateSessionAuthHash(Session session, String newPasswordHash) {
        session.cycleKey();
        session.put(HASH, sessionAuthHash(newPasswordHash));
    }

    private static String hex(SaltedHmac hmac, byte[] value) {
        return HexFormat.of().formatHex(hmac.digest(value));
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
