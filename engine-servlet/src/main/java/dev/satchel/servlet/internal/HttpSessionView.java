package dev.satchel.servlet.internal;

import dev.satchel.Session;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;

/**
 * {@link HttpSession} over a Satchel {@link Session}: attributes are session keys (JSON values only),
 * {@code invalidate} is {@code flush}, the inactive interval is the session's expiry.
 */
final class HttpSessionView implements HttpSession {
    private final Session session;
    private final ServletContext context;
    private final Clock clock;
    private final long created;
    private boolean valid = true;

    HttpSessionView(Session session, ServletContext context, Clock clock) {
        this.session = session;
        this.context = context;
        this.clock = clock;
        this.created = clock.millis();
    }

    boolean isValid() {
        return valid;
    }

    void revive() {
        valid = true;
    }

    private void check() {
        if (!valid) {
            throw new IllegalStateException("the session was invalidated");
        }
    }

    @Override
    public long getCreationTime() {
        check();
        return created;
    }

    /** The session key, or the empty string for a session not yet saved. */
    @Override
    public String getId() {
        String key = session.getSessionKey();
        return key == null ? "" : key;
    }

    @Override
    public long getLastAccessedTime() {
        check();
        return clock.millis();
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    /** A positive interval becomes the session's expiry in seconds; zero or less restores the default. */
    @Override
    public void setMaxInactiveInterval(int interval) {
        check();
        if (interval > 0) {
            session.setExpiry(interval);
        } else {
            session.clearExpiry();
        }
    }

    @Override
    public int getMaxInactiveInterval() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, session.getExpiryAge()));
    }

    @Override
    public Object getAttribute(String name) {
        check();
        return session.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        check();
        return Collections.enumeration(new ArrayList<>(session.keySet()));
    }

    /**
     * Stores a JSON value (String, number, Boolean, List, Map with String keys); {@code null} removes.
     *
     * @throws IllegalArgumentException for any other value, naming the attribute
     */
    @Override
    public void setAttribute(String name, Object value) {
        check();
        if (value == null) {
            session.remove(name);
        } else {
            session.put(name, value);
        }
    }

    @Override
    public void removeAttribute(String name) {
        check();
        session.remove(name);
    }

    @Override
    public void invalidate() {
        check();
        session.flush();
        valid = false;
    }

    @Override
    public boolean isNew() {
        check();
        return session.getSessionKey() == null;
    }
}
