package dev.satchel.demo;

import dev.satchel.Session;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A shopping cart kept in the session ({@code cart}, a list of item names): it survives logging in. */
final class CartServlet extends DemoServlet {
    private static final long serialVersionUID = 1L;
    private static final int MAX_ITEMS = 50;
    private static final int MAX_LENGTH = 60;

    CartServlet(DemoApp app) {
        super(app);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        switch (request.getServletPath()) {
            case "/cart" -> show(request, response);
            case "/cart/add" -> add(request, response);
            default -> notFound(request, response);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        if ("/cart/add".equals(request.getServletPath())) {
            add(request, response);
        } else {
            response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
        }
    }

    static List<String> items(Session session) {
        List<String> items = new ArrayList<>();
        if (session.get("cart") instanceof List<?> list) {
            for (Object item : list) {
                items.add(String.valueOf(item));
            }
        }
        return items;
    }

    private void add(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.setCharacterEncoding("UTF-8");
        String item = param(request, "item");
        if (item.length() > MAX_LENGTH) {
            item = item.substring(0, MAX_LENGTH);
        }
        Session session = session(request);
        List<String> items = items(session);
        if (!item.isEmpty() && items.size() < MAX_ITEMS) {
            items.add(item);
            session.put("cart", items);
        }
        response.sendRedirect("/cart");
    }

    private void show(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        List<String> items = items(session(request));
        StringBuilder body = new StringBuilder();
        if (items.isEmpty()) {
            body.append("<p id=\"cart-empty\">Your cart is empty.</p>");
        } else {
            body.append("<ul id=\"cart\">");
            for (String item : items) {
                body.append("<li>").append(Html.escape(item)).append("</li>");
            }
            body.append("</ul>");
        }
        body.append("<form method=\"post\" action=\"/cart/add\"><label for=\"item\">Add an item</label>")
                .append("<input type=\"text\" id=\"item\" name=\"item\" maxlength=\"")
                .append(MAX_LENGTH)
                .append("\" required> <button id=\"add\" type=\"submit\">Add</button></form>")
                .append("<p class=\"note\">The cart is kept when you log in: the session gets a new key, ")
                .append("its data stays.</p>");
        render(request, response, "Cart", body.toString());
    }
}
