package dev.satchel.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end comparison's web app: a visit counter and a cart, written against the plain
 * {@link HttpSession} API so that the same servlet runs behind Satchel's filter and Spring Session's.
 * Each answer tells the client what the session holds, so the load generator can check that its
 * session was kept: {@code GET /visit} counts and answers {@code visits=N}; {@code GET /cart} and
 * {@code POST /cart/add} (form field {@code item}) answer {@code items=N}. The cart keeps the last
 * {@value #CART_CAP} items so that sessions stay the same size however long a run lasts.
 */
final class EndToEndApp extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** How many items the cart keeps (the oldest is dropped). */
    static final int CART_CAP = 10;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        switch (request.getServletPath()) {
            case "/visit" -> visit(request, response);
            case "/cart" -> cart(request, response);
            default -> response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if ("/cart/add".equals(request.getServletPath())) {
            add(request, response);
        } else {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
        }
    }

    private static void visit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession();
        int visits = session.getAttribute("visits") instanceof Number n ? n.intValue() + 1 : 1;
        session.setAttribute("visits", visits);
        answer(response, "visits=" + visits);
    }

    private static void cart(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Reading the cart never creates a session.
        HttpSession session = request.getSession(false);
        answer(response, "items=" + (session == null ? 0 : items(session).size()));
    }

    private static void add(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String item = request.getParameter("item");
        HttpSession session = request.getSession();
        List<String> items = items(session);
        if (item != null && !item.isEmpty()) {
            items.add(item);
            if (items.size() > CART_CAP) {
                items.remove(0);
            }
            session.setAttribute("cart", items);
        }
        answer(response, "items=" + items.size());
    }

    /** A fresh copy of the cart (Satchel hands back JSON lists, Spring Session deserialized ones). */
    private static List<String> items(HttpSession session) {
        List<String> items = new ArrayList<>();
        if (session.getAttribute("cart") instanceof List<?> list) {
            for (Object item : list) {
                items.add(String.valueOf(item));
            }
        }
        return items;
    }

    private static void answer(HttpServletResponse response, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
