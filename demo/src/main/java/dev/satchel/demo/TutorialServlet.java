package dev.satchel.demo;

import dev.satchel.Session;
import dev.satchel.auth.SessionAuth;
import dev.satchel.codec.JsonSerializer;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The classic first session pages: the visit counter at {@code /}, the test cookie at {@code /about}
 * and {@code /reset}, which flushes the session. Anything else is a 404.
 */
final class TutorialServlet extends DemoServlet {
    private static final long serialVersionUID = 1L;
    private static final JsonSerializer JSON = JsonSerializer.create();

    TutorialServlet(DemoApp app) {
        super(app);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        switch (request.getServletPath()) {
            case "/" -> home(request, response);
            case "/about" -> about(request, response);
            case "/reset" -> {
                session(request).flush();
                response.sendRedirect("/");
            }
            default -> notFound(request, response);
        }
    }

    private void home(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        if (!"/".equals(request.getRequestURI())) {
            notFound(request, response);
            return;
        }
        Session session = session(request);
        Object stored = session.get("num_visits");
        long visits = (stored instanceof Number n ? n.longValue() : 0) + 1;
        session.put("num_visits", visits);
        StringBuilder body = new StringBuilder()
                .append("<p class=\"lead\">You have visited this page <strong id=\"visits\">")
                .append(visits)
                .append("</strong> ")
                .append(visits == 1 ? "time" : "times")
                .append(".</p>")
                .append("<p class=\"note\">The count is kept in the session under <code>num_visits</code>. ")
                .append("Reload to count up; <a href=\"/reset\">reset</a> flushes the session and its cookie.</p>")
                .append(
                        "<h2>This session holds (as JSON)</h2><table id=\"session\"><tr><th>key</th><th>value</th></tr>");
        for (Map.Entry<String, Object> e : session.entrySet()) {
            String value = SessionAuth.HASH.equals(e.getKey()) || Accounts.LOGIN_ID.equals(e.getKey())
                    ? "(" + String.valueOf(e.getValue()).length() + " hex characters)"
                    : new String(JSON.serialize(e.getValue()), StandardCharsets.UTF_8);
            body.append("<tr><td><code>")
                    .append(Html.escape(e.getKey()))
                    .append("</code></td><td class=\"v\">")
                    .append(Html.escape(value))
                    .append("</td></tr>");
        }
        body.append("</table>")
                .append("<p class=\"note\">Try the <a href=\"/session/create\">create</a>, ")
                .append("<a href=\"/session/access\">access</a> and <a href=\"/session/delete\">delete</a> views, ")
                .append("fill the <a href=\"/cart\">cart</a>, then <a href=\"/signup\">sign up</a>: ")
                .append("logging in gives the session a new key and keeps the cart.</p>");
        render(request, response, "Visit counter", body.toString());
    }

    private void about(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        Session session = session(request);
        String body;
        if (session.testCookieWorked()) {
            session.deleteTestCookie();
            body = "<p class=\"ok\" id=\"about-result\">The test cookie came back: cookies work in this browser.</p>"
                    + "<p class=\"note\">The test value was removed again; reload to repeat the check.</p>";
        } else {
            session.setTestCookie();
            body = "<p id=\"about-result\">A test cookie was set.</p>"
                    + "<p class=\"note\">Reload this page: if the browser sends the session cookie back, "
                    + "this page says that cookies work.</p>";
        }
        render(request, response, "About", body);
    }
}
