package dev.satchel.demo;

import dev.satchel.Session;
import dev.satchel.demo.UserStore.User;
import dev.satchel.servlet.SessionFilter;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;

/** What every page of the demo shares: the session, the current user, and writing a page. */
abstract class DemoServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The demo's shared objects. */
    protected final transient DemoApp app;

    DemoServlet(DemoApp app) {
        this.app = app;
    }

    /** The Satchel session of the request. */
    protected static Session session(HttpServletRequest request) {
        return SessionFilter.session(request);
    }

    /** The verified logged-in user, if any. */
    protected Optional<User> user(HttpServletRequest request) throws ServletException {
        try {
            return app.accounts().currentUser(request, session(request));
        } catch (SQLException e) {
            throw new ServletException("the user database failed", e);
        }
    }

    /** Writes a 200 page. */
    protected void render(HttpServletRequest request, HttpServletResponse response, String title, String body)
            throws IOException, ServletException {
        render(request, response, HttpServletResponse.SC_OK, title, body);
    }

    /** Writes a page with this status. */
    protected void render(
            HttpServletRequest request, HttpServletResponse response, int status, String title, String body)
            throws IOException, ServletException {
        Optional<String> name = user(request).map(User::username);
        response.setStatus(status);
        response.setContentType("text/html; charset=utf-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'");
        response.getWriter().write(Html.page(title, body, name, app.engineName()));
    }

    /** A 404 page. */
    protected void notFound(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        render(
                request,
                response,
                HttpServletResponse.SC_NOT_FOUND,
                "Not found",
                "<p>There is no page at <code>" + Html.escape(request.getRequestURI()) + "</code>.</p>");
    }

    /** A trimmed request parameter, or an empty string. */
    protected static String param(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        return value == null ? "" : value.strip();
    }

    /** A redirect target from {@code next}: a path on this site, else {@code /}. */
    protected static String safeNext(String next) {
        if (next == null
                || !next.startsWith("/")
                || next.startsWith("//")
                || next.startsWith("/\\")
                || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "/";
        }
        return next;
    }
}
