package dev.satchel.demo;

import java.util.Optional;

/** The page frame and HTML escaping. Every value from a request or a session goes through {@link #escape}. */
final class Html {
    private static final String STYLE =
            """
            body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f4f5f8}
            header{background:#1f3a5f;color:#fff;padding:.7rem 1.5rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
            header a,header button{color:#fff;text-decoration:none;font:inherit}
            header .brand{font-weight:700;font-size:1.15rem;margin-right:.5rem}
            header .who{margin-left:auto;opacity:.9}
            header form{display:inline;margin:0}
            header button{background:#2f5d8f;border:0;border-radius:4px;padding:.2rem .7rem;cursor:pointer}
            main{max-width:48rem;margin:1.5rem auto;background:#fff;border-radius:8px;padding:1.2rem 2rem;
            box-shadow:0 1px 3px rgba(0,0,0,.12)}
            h1{font-size:1.5rem;margin-top:.3rem}
            .lead{font-size:1.2rem}
            .note{color:#5a6270;font-size:.92rem}
            .error{color:#a01818;font-weight:600}
            .ok{color:#176b2c;font-weight:600}
            table{border-collapse:collapse;width:100%;font-size:.92rem}
            th,td{border-bottom:1px solid #e3e6ec;padding:.3rem .5rem;text-align:left;vertical-align:top}
            code,td.v{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88rem}
            label{display:block;margin:.5rem 0 .2rem}
            input[type=text],input[type=password]{padding:.35rem;width:16rem;border:1px solid #b9c0cc;border-radius:4px}
            form button{margin-top:.7rem;padding:.35rem 1rem}
            footer{text-align:center;color:#7a8190;font-size:.85rem;margin-bottom:1.5rem}
            """;

    private Html() {}

    /** Escapes text for an element body or a quoted attribute. */
    static String escape(Object value) {
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#x27;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A whole page: header with the navigation and who is logged in, the body, a footer naming the engine. */
    static String page(String title, String body, Optional<String> username, String engine) {
        String who = username.map(name -> "<span class=\"who\">Signed in as <strong id=\"user\">" + escape(name)
                        + "</strong></span><form method=\"post\" action=\"/logout\">"
                        + "<button id=\"logout\" type=\"submit\">Log out</button></form>")
                .orElse("<span class=\"who\">Anonymous</span><a href=\"/login\">Log in</a>"
                        + "<a href=\"/signup\">Sign up</a>");
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " · Satchel demo</title><style>" + STYLE + "</style></head><body>"
                + "<header><a class=\"brand\" href=\"/\">Satchel demo</a>"
                + "<a href=\"/about\">About</a><a href=\"/session/access\">Session views</a>"
                + "<a href=\"/cart\">Cart</a><a href=\"/tasks\">Tasks</a>" + who + "</header>"
                + "<main>" + "<h1>" + escape(title) + "</h1>" + body + "</main>"
                + "<footer>Sessions by Satchel, Django's session framework on the JVM · engine <code id=\"engine\">"
                + escape(engine) + "</code></footer></body></html>\n";
    }
}
