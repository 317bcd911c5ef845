package dev.satchel.demo;

import dev.satchel.Session;
import dev.satchel.demo.UserStore.User;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;

/** {@code /signup}, {@code /login} (both log in through Django's rules) and {@code /logout} (POST only). */
final class AccountServlet extends DemoServlet {
    private static final long serialVersionUID = 1L;

    AccountServlet(DemoApp app) {
        super(app);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        String next = safeNext(request.getParameter("next"));
        switch (request.getServletPath()) {
            case "/signup" -> signupForm(request, response, HttpServletResponse.SC_OK, "", next, null);
            case "/login" -> {
                String notice = request.getParameter("logged_out") != null
                        ? "<p class=\"ok\" id=\"notice\">You are logged out: the session and its cookie are gone.</p>"
                        : "";
                loginForm(request, response, HttpServletResponse.SC_OK, "", next, notice);
            }
            case "/logout" -> {
                response.setHeader("Allow", "POST");
                render(
                        request,
                        response,
                        HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                        "Log out",
                        "<p>Log out with the button at the top of the page (a POST request).</p>");
            }
            default -> notFound(request, response);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        request.setCharacterEncoding("UTF-8");
        Session session = session(request);
        String username = param(request, "username");
        String password = request.getParameter("password");
        String next = safeNext(request.getParameter("next"));
        try {
            switch (request.getServletPath()) {
                case "/signup" -> {
                    Optional<String> problem = app.accounts().signupProblem(username, password);
                    Optional<User> created = problem.isPresent()
                            ? Optional.empty()
                            : app.accounts().signup(username, password);
                    if (created.isEmpty()) {
                        String error = problem.orElse("That user name is taken.");
                        signupForm(request, response, HttpServletResponse.SC_BAD_REQUEST, username, next, error);
                        return;
                    }
                    app.accounts().login(request, session, created.get());
                    response.sendRedirect(next);
                }
                case "/login" -> {
                    Optional<User> user = app.accounts().authenticate(username, password);
                    if (user.isEmpty()) {
                        loginForm(
                                request,
                                response,
                                HttpServletResponse.SC_OK,
                                username,
                                next,
                                "<p class=\"error\" id=\"error\">Wrong user name or password.</p>");
                        return;
                    }
                    app.accounts().login(request, session, user.get());
                    response.sendRedirect(next);
                }
                case "/logout" -> {
                    app.accounts().logout(request, session);
                    response.sendRedirect("/login?logged_out=1");
                }
                default -> response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            }
        } catch (SQLException e) {
            throw new ServletException("the user database failed", e);
        }
    }

    private void signupForm(
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            String username,
            String next,
            String error)
            throws IOException, ServletException {
        String body = (error == null ? "" : "<p class=\"error\" id=\"error\">" + Html.escape(error) + "</p>")
                + form("/signup", username, next, "new-password", "Sign up")
                + "<p class=\"note\">Passwords are hashed with PBKDF2-SHA256 in Django's format. "
                + "Already registered? <a href=\"/login\">Log in</a>.</p>";
        render(request, response, status, "Sign up", body);
    }

    private void loginForm(
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            String username,
            String next,
            String notice)
            throws IOException, ServletException {
        String body = notice
                + form("/login", username, next, "current-password", "Log in")
                + "<p class=\"note\">No account yet? <a href=\"/signup\">Sign up</a>.</p>";
        render(request, response, status, "Log in", body);
    }

    private static String form(String action, String username, String next, String autocomplete, String button) {
        return "<form method=\"post\" action=\"" + action + "\">"
                + "<input type=\"hidden\" name=\"next\" value=\"" + Html.escape(next) + "\">"
                + "<label for=\"username\">User name</label>"
                + "<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" value=\""
                + Html.escape(username) + "\" required>"
                + "<label for=\"password\">Password</label>"
                + "<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"" + autocomplete
                + "\" required><br><button id=\"submit\" type=\"submit\">" + button + "</button></form>";
    }
}
