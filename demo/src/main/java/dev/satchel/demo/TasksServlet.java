package dev.satchel.demo;

import dev.satchel.Session;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /tasks}: a to-do list kept in the session, for logged-in users only; anonymous visitors are
 * sent to {@code /login?next=/tasks}, as Django's {@code login_required} does.
 */
final class TasksServlet extends DemoServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_TASKS = 50;
    private static final int MAX_LENGTH = 120;

    TasksServlet(DemoApp app) {
        super(app);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        if (user(request).isEmpty()) {
            response.sendRedirect("/login?next=/tasks");
            return;
        }
        List<String> tasks = tasks(session(request));
        StringBuilder body = new StringBuilder();
        if (tasks.isEmpty()) {
            body.append("<p id=\"tasks-empty\">No tasks yet.</p>");
        } else {
            body.append("<ol id=\"tasks\">");
            for (String task : tasks) {
                body.append("<li>").append(Html.escape(task)).append("</li>");
            }
            body.append("</ol>");
        }
        body.append("<form method=\"post\" action=\"/tasks\"><label for=\"task\">New task</label>")
                .append("<input type=\"text\" id=\"task\" name=\"task\" maxlength=\"")
                .append(MAX_LENGTH)
                .append("\" required> <button id=\"add-task\" type=\"submit\">Add</button></form>")
                .append("<p class=\"note\">Only logged-in users see this page; the check runs on every request ")
                .append("against the user's current password hash.</p>");
        render(request, response, "Tasks", body.toString());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        request.setCharacterEncoding("UTF-8");
        if (user(request).isEmpty()) {
            response.sendRedirect("/login?next=/tasks");
            return;
        }
        String task = param(request, "task");
        if (task.length() > MAX_LENGTH) {
            task = task.substring(0, MAX_LENGTH);
        }
        Session session = session(request);
        List<String> tasks = tasks(session);
        if (!task.isEmpty() && tasks.size() < MAX_TASKS) {
            tasks.add(task);
            session.put("tasks", tasks);
        }
        response.sendRedirect("/tasks");
    }

    private static List<String> tasks(Session session) {
        List<String> tasks = new ArrayList<>();
        if (session.get("tasks") instanceof List<?> list) {
            for (Object task : list) {
                tasks.add(String.valueOf(task));
            }
        }
        return tasks;
    }
}
