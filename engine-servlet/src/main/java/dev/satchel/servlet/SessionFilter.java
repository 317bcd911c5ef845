package dev.satchel.servlet;

import dev.satchel.Session;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionConflictException;
import dev.satchel.SessionInterruptedException;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.servlet.internal.CommitGuardResponse;
import dev.satchel.servlet.internal.SessionRequest;
import dev.satchel.web.SessionCookies;
import dev.satchel.web.SessionMiddleware;
import dev.satchel.web.SessionResponse;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Django's session middleware as a Jakarta Servlet filter. Each request gets a lazy {@link Session}
 * (request attribute {@link #ATTRIBUTE}, or {@link #session(ServletRequest)}), and {@code
 * request.getSession()} returns an {@code HttpSession} view of the same session, so existing servlet
 * code keeps working (attribute values limited to JSON values). Just before the response commits,
 * the session is saved and the cookie set or deleted by Django's rules.
 *
 * <p>Configure it with a {@link SessionManager}, or, in {@code web.xml}, with init parameters: {@value
 * #CONFIG_PARAMETER} naming a properties file and/or {@code satchel.*} keys directly; the engine is
 * then found by name.
 */
public final class SessionFilter implements Filter {
    /** The request attribute holding the {@link Session}. */
    public static final String ATTRIBUTE = Session.class.getName();
    /** The init parameter naming a properties file of {@code satchel.*} settings. */
    public static final String CONFIG_PARAMETER = "satchel.config";
    /** The init parameter giving the status answered when a save gives up on a conflict (default 409). */
    public static final String CONFLICT_STATUS_PARAMETER = "satchel.servlet.conflict-status";

    private static final Logger LOG = LoggerFactory.getLogger(SessionFilter.class);

    private SessionManager sessions;
    private SessionMiddleware middleware;
    private boolean ownsManager;
    private int conflictStatus = 409;

    /** A filter configured from its init parameters when the container calls {@link #init}. */
    public SessionFilter() {}

    /** A filter over an existing manager (which the caller closes). */
    public SessionFilter(SessionManager sessions) {
        this(sessions, 409);
    }

    /**
     * A filter over an existing manager that answers {@code conflictStatus} when a save gives up on a
     * conflict ({@link dev.satchel.ConflictPolicy}).
     */
    public SessionFilter(SessionManager sessions, int conflictStatus) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.middleware = new SessionMiddleware(sessions);
        this.conflictStatus = checkedStatus(conflictStatus);
    }

    private static int checkedStatus(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("the conflict status must be a 4xx or 5xx code, not " + status);
        }
        return status;
    }

    /**
     * The session of a request that passed through this filter.
     *
     * @throws IllegalStateException if the filter did not run for this request
     */
    public static Session session(ServletRequest request) {
        Object s = request.getAttribute(ATTRIBUTE);
        if (s instanceof Session session) {
            return session;
        }
        throw new IllegalStateException("no Satchel session on this request: is SessionFilter mapped to its URL?");
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (sessions != null) {
            return;
        }
        Properties properties = new Properties();
        String file = config.getInitParameter(CONFIG_PARAMETER);
        if (file != null && !file.isBlank()) {
            try (InputStream in = Files.newInputStream(Path.of(file.trim()))) {
                properties.load(in);
            } catch (IOException e) {
                throw new ServletException("cannot read Satchel settings from " + file, e);
            }
        }
        String status = config.getInitParameter(CONFLICT_STATUS_PARAMETER);
        if (status != null && !status.isBlank()) {
            try {
                conflictStatus = checkedStatus(Integer.parseInt(status.trim()));
            } catch (IllegalArgumentException e) {
                throw new ServletException(CONFLICT_STATUS_PARAMETER + ": " + e.getMessage(), e);
            }
        }
        Enumeration<String> names = config.getInitParameterNames();
        for (String name : names == null ? Collections.<String>emptyList() : Collections.list(names)) {
            if (name.startsWith("satchel.")
                    && !name.equals(CONFIG_PARAMETER)
                    && !name.equals(CONFLICT_STATUS_PARAMETER)) {
                properties.setProperty(name, config.getInitParameter(name));
            }
        }
        try {
            sessions = SessionManager.open(SessionSettings.fromProperties(properties));
        } catch (SessionConfigurationException e) {
            throw new ServletException(e.getMessage(), e);
        }
        middleware = new SessionMiddleware(sessions);
        ownsManager = true;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        String name = middleware.cookie().name();
        String header = cookieHeader(request);
        String value = SessionCookies.find(header, name);
        boolean hadCookie = header != null && SessionCookies.present(header, name);
        Session session = middleware.open(value);
        request.setAttribute(ATTRIBUTE, session);
        CommitGuardResponse guarded =
                new CommitGuardResponse(response, status -> decide(session, hadCookie, status, response));
        chain.doFilter(new SessionRequest(request, session, value, sessions.clock()), guarded);
        guarded.finish();
    }

    /**
     * Applies the middleware's decision; answers {@link CommitGuardResponse#PROCEED}, 400 when a
     * concurrent request deleted the session, or the conflict status when the save gave up on a
     * conflict.
     */
    private int decide(Session session, boolean hadCookie, int status, HttpServletResponse response) {
        SessionResponse decision;
        try {
            decision = middleware.finish(session, hadCookie, status);
        } catch (SessionInterruptedException e) {
            LOG.info("session deleted by a concurrent request; answering 400");
            return 400;
        } catch (SessionConflictException e) {
            LOG.info("session changed by a concurrent request and not merged; answering {}", conflictStatus);
            return conflictStatus;
        }
        if (response.isCommitted()) {
            if (decision.setCookie().isPresent()) {
                LOG.warn("the response was committed before the session cookie could be set");
            }
            return CommitGuardResponse.PROCEED;
        }
        decision.setCookie().ifPresent(cookie -> response.addHeader("Set-Cookie", cookie));
        if (decision.varyCookie()) {
            String existing = String.join(", ", response.getHeaders("Vary"));
            response.setHeader("Vary", SessionResponse.mergeVary(existing.isEmpty() ? null : existing));
        }
        if (decision.cachePrivate() && !response.containsHeader("Cache-Control")) {
            response.setHeader("Cache-Control", "private");
        }
        return CommitGuardResponse.PROCEED;
    }

    private static String cookieHeader(HttpServletRequest request) {
        Enumeration<String> headers = request.getHeaders("Cookie");
        if (headers == null || !headers.hasMoreElements()) {
            return null;
        }
        String first = headers.nextElement();
        if (!headers.hasMoreElements()) {
            return first;
        }
        StringBuilder sb = new StringBuilder(first);
        while (headers.hasMoreElements()) {
            sb.append("; ").append(headers.nextElement());
        }
        return sb.toString();
    }

    @Override
    public void destroy() {
        if (ownsManager && sessions != null) {
            sessions.close();
        }
    }
}
