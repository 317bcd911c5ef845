package dev.satchel.demo;

import dev.satchel.Session;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The tutorial's three views: create ({@code ?name=&color=}), access and delete session data. */
final class SessionViewsServlet extends DemoServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_LENGTH = 100;

    SessionViewsServlet(DemoApp app) {
        super(app);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        Session session = session(request);
        String links = "<p class=\"note\"><a href=\"/session/create\">create</a> · "
                + "<a href=\"/session/access\">access</a> · <a href=\"/session/delete\">delete</a></p>";
        switch (request.getServletPath()) {
            case "/session/create" -> {
                String name = or(param(request, "name"), "Ada Lovelace");
                String color = or(param(request, "color"), "teal");
                session.put("name", name);
                session.put("color", color);
                render(
                        request,
                        response,
                        "Session created",
                        "<p id=\"result\">Stored <code>name</code> = " + Html.escape(name)
                                + " and <code>color</code> = "
                                + Html.escape(color) + " in the session.</p>"
                                + "<p class=\"note\">Choose your own with "
                                + "<code>/session/create?name=...&amp;color=...</code>.</p>" + links);
            }
            case "/session/access" -> {
                String result = session.containsKey("name")
                        ? "Name: <strong>" + Html.escape(session.get("name")) + "</strong>, color: <strong>"
                                + Html.escape(session.get("color")) + "</strong>"
                        : "Nothing is stored: create a session first.";
                render(request, response, "Session access", "<p id=\"result\">" + result + "</p>" + links);
            }
            case "/session/delete" -> {
                boolean had = session.containsKey("name") || session.containsKey("color");
                session.remove("name");
                session.remove("color");
                render(
                        request,
                        response,
                        "Session delete",
                        "<p id=\"result\">" + (had ? "Deleted name and color." : "There was nothing to delete.")
                                + "</p>" + links);
            }
            default -> notFound(request, response);
        }
    }

    private static String or(String value, String fallback) {
        if (value.isEmpty()) {
            return fallback;
        }
        return value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) : value;
    }
}
