package dev.satchel.web;

import dev.satchel.Session;
import dev.satchel.SessionInterruptedException;
import dev.satchel.SessionManager;
import dev.satchel.UpdateException;
import java.util.Objects;
import java.util.Optional;

/**
 * Django's {@code SessionMiddleware}, free of any web framework: hand out a lazy session for the
 * request's cookie, then, after the view ran, decide whether to save the session, set or delete the
 * cookie and add {@code Vary: Cookie}. Framework adapters (the servlet filter) only move headers.
 *
 * <p>It follows Django 5 rule for rule (flags snapshotted before the expiry lookup, the delete branch
 * for an emptied session, no save on any 5xx, a concurrently deleted session as HTTP 400) and fixes
 * one flooding vector: with save-every-request on, a request carrying an unknown key never stores an
 * empty session.
 */
public final class SessionMiddleware {
    private final SessionManager sessions;
    private final SessionCookieSpec cookie;

    /** A middleware whose cookie follows the manager's settings. */
    public SessionMiddleware(SessionManager sessions) {
        this(sessions, SessionCookieSpec.from(sessions.settings()));
    }

    /** A middleware with an explicit cookie description. */
    public SessionMiddleware(SessionManager sessions, SessionCookieSpec cookie) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.cookie = Objects.requireNonNull(cookie, "cookie");
    }

    /** The cookie this middleware reads and writes. */
    public SessionCookieSpec cookie() {
        return cookie;
    }

    /** The session for a request whose session cookie holds {@code cookieValue} (or none). No I/O. */
    public Session open(String cookieValue) {
        return sessions.session(cookieValue);
    }

    /**
     * Decides the response, saving the session when Django would.
     *
     * @param session the request's session
     * @param requestHadCookie whether the request carried a session cookie at all
     * @param status the response status
     * @throws SessionInterruptedException if the session was deleted by a concurrent request (answer
     *     HTTP 400)
     */
    public SessionResponse finish(Session session, boolean requestHadCookie, int status) {
        boolean accessed = session.isAccessed();
        boolean modified = session.isModified();
        boolean empty = session.isEmpty();
        if (requestHadCookie && empty) {
            return new SessionResponse(Optional.of(SetCookieHeader.delete(cookie)), true, false);
        }
        boolean saveEveryRequest = sessions.settings().saveEveryRequest();
        if (!(modified || saveEveryRequest) || empty) {
            return new SessionResponse(Optional.empty(), accessed, false);
        }
        Long maxAge = null;
        if (!session.getExpireAtBrowserClose()) {
            maxAge = session.getExpiryAge();
        }
        if (status >= 500) {
            return new SessionResponse(Optional.empty(), accessed, false);
        }
        if (saveEveryRequest && !modified && session.isEmpty()) {
            // The lookup above found the cookie's key unknown: Django would store a new empty session
            // here for every such request. Store nothing; the stale cookie is deleted instead.
            return requestHadCookie
                    ? new SessionResponse(Optional.of(SetCookieHeader.delete(cookie)), true, false)
                    : new SessionResponse(Optional.empty(), true, false);
        }
        try {
            session.save();
        } catch (UpdateException e) {
            throw new SessionInterruptedException(
                    "The request's session was deleted before the request completed. The user may have logged"
                            + " out in a concurrent request, for example.",
                    e);
        }
        String value = session.getSessionKey();
        return new SessionResponse(
                Optional.of(SetCookieHeader.set(
                        cookie, value, maxAge, sessions.clock().instant())),
                true,
                true);
    }
}
