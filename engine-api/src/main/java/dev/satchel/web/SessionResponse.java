package dev.satchel.web;

import java.util.Optional;

/**
 * What the middleware decided for one response: the {@code Set-Cookie} value to add (setting or
 * deleting the session cookie), whether {@code Vary: Cookie} must be added, and whether the response
 * should be marked {@code Cache-Control: private} because it carries a session cookie.
 *
 * @param setCookie the header value, or empty for no cookie
 * @param varyCookie whether to add {@code Cookie} to {@code Vary}
 * @param cachePrivate whether to add {@code Cache-Control: private} unless the application set its own
 */
public record SessionResponse(Optional<String> setCookie, boolean varyCookie, boolean cachePrivate) {
    /** Leave the response alone. */
    public static final SessionResponse UNTOUCHED = new SessionResponse(Optional.empty(), false, false);

    /**
     * The {@code Vary} header after adding {@code Cookie}: case-insensitive de-duplication, existing
     * order kept, and {@code *} (which already varies on everything) left as it is.
     */
    public static String mergeVary(String existing) {
        if (existing == null || existing.isBlank()) {
            return "Cookie";
        }
        for (String part : existing.split(",")) {
            String p = part.trim();
            if (p.equals("*") || p.equalsIgnoreCase("Cookie")) {
                return existing;
            }
        }
        return existing + ", Cookie";
    }
}
