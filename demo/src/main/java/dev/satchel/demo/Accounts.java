package dev.satchel.demo;

import dev.satchel.Session;
import dev.satchel.auth.SessionAuth;
import dev.satchel.demo.UserStore.User;
import jakarta.servlet.http.HttpServletRequest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Sign-up, log-in, log-out and "who is this?" over {@link SessionAuth} and the {@link UserStore}.
 *
 * <p>Log-out flushes the session, which deletes a server-side record for good. A {@code
 * signed_cookies} session has no record: a copy of its cookie taken before log-out still verifies
 * (Django documents this for its cookie engine). So each log-in also stores a random login id, and
 * log-out writes that id to the user store; a session carrying a revoked id is treated as logged out
 * and flushed. For server-side engines the note is redundant and harmless.
 */
final class Accounts {
    /** The session key of the login id (ours, not Django's). */
    static final String LOGIN_ID = "_demo_login_id";

    private static final Pattern USERNAME = Pattern.compile("[\\w.@+-]{1,150}", Pattern.UNICODE_CHARACTER_CLASS);
    private static final int MIN_PASSWORD = 8;
    private static final int MAX_PASSWORD = 4096;
    private static final String CURRENT_USER = Accounts.class.getName() + ".user";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserStore users;
    private final Passwords passwords;
    private final SessionAuth auth;
    private final Duration sessionAge;
    private final Clock clock;

    Accounts(UserStore users, Passwords passwords, SessionAuth auth, Duration sessionAge, Clock clock) {
        this.users = users;
        this.passwords = passwords;
        this.auth = auth;
        this.sessionAge = sessionAge;
        this.clock = clock;
    }

    /**
     * The logged-in user of this request, checked against the current password hash (Django's {@code
     * get_user}); a session whose hash or login no longer holds is flushed. Cached for the request.
     */
    Optional<User> currentUser(HttpServletRequest request, Session session) throws SQLException {
        Object cached = request.getAttribute(CURRENT_USER);
        if (cached instanceof User user) {
            return Optional.of(user);
        }
        Optional<User> user = resolve(session);
        user.ifPresent(u -> request.setAttribute(CURRENT_USER, u));
        return user;
    }

    private Optional<User> resolve(Session session) throws SQLException {
        Optional<String> id = auth.userId(session);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        Optional<User> user = users.findById(id.get());
        Object loginId = session.get(LOGIN_ID);
        if (user.isEmpty() || (loginId instanceof String s && users.isRevoked(s))) {
            auth.logout(session);
            return Optional.empty();
        }
        return auth.verify(session, user.get().passwordHash()).map(ok -> user.get());
    }

    /** Checks a name and password; an unknown name costs as much time as a wrong password. */
    Optional<User> authenticate(String username, String password) throws SQLException {
        if (username == null || password == null || password.length() > MAX_PASSWORD) {
            return Optional.empty();
        }
        Optional<User> user = users.findByUsername(username);
        if (user.isEmpty()) {
            passwords.verifyNothing(password);
            return Optional.empty();
        }
        return passwords.verify(password, user.get().passwordHash()) ? user : Optional.empty();
    }

    /** What is wrong with a sign-up, or empty when it may go ahead. */
    Optional<String> signupProblem(String username, String password) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            return Optional.of("Choose a user name of 1 to 150 letters, digits and @ . + - _ characters.");
        }
        if (password == null || password.length() < MIN_PASSWORD) {
            return Optional.of("Choose a password of at least " + MIN_PASSWORD + " characters.");
        }
        if (password.length() > MAX_PASSWORD) {
            return Optional.of("That password is too long.");
        }
        return Optional.empty();
    }

    /** Creates the user; empty if the name is taken. */
    Optional<User> signup(String username, String password) throws SQLException {
        return users.create(username, passwords.hash(password));
    }

    /** Logs the user in: a new session key, the data kept (Django's {@code login}). */
    void login(HttpServletRequest request, Session session, User user) {
        auth.login(session, Long.toString(user.id()), SessionAuth.MODEL_BACKEND, user.passwordHash());
        session.put(LOGIN_ID, HexFormat.of().formatHex(randomBytes()));
        request.setAttribute(CURRENT_USER, user);
    }

    /** Logs out: the login id is revoked, then the session flushed (the cookie is deleted). */
    void logout(HttpServletRequest request, Session session) throws SQLException {
        if (session.get(LOGIN_ID) instanceof String loginId) {
            users.revokeLogin(loginId, clock.instant().plus(sessionAge));
        }
        auth.logout(session);
        request.removeAttribute(CURRENT_USER);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
