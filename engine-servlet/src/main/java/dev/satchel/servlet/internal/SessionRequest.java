package dev.satchel.servlet.internal;

import dev.satchel.Session;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;

/** A request whose {@code getSession()} is a view of the Satchel session instead of the container's. */
public final class SessionRequest extends HttpServletRequestWrapper {
    private final Session session;
    private final String requestedId;
    private final HttpSessionView view;

    public SessionRequest(HttpServletRequest request, Session session, String requestedId, Clock clock) {
        super(request);
        this.session = session;
        this.requestedId = requestedId;
        this.view = new HttpSessionView(session, request.getServletContext(), clock);
    }

    @Override
    public HttpSession getSession(boolean create) {
        if (view.isValid() && (create || !session.isEmpty())) {
            return view;
        }
        if (create) {
            view.revive();
            return view;
        }
        return null;
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public String changeSessionId() {
        session.cycleKey();
        return session.getSessionKey();
    }

    @Override
    public String getRequestedSessionId() {
        return requestedId;
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        return requestedId != null && requestedId.equals(session.getSessionKey()) && session.exists(requestedId);
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return requestedId != null;
    }

    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }
}
