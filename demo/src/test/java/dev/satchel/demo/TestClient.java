package dev.satchel.demo;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A minimal HTTP client that keeps the session cookie like a browser would (set on {@code Set-Cookie},
 * dropped on {@code Max-Age=0}) and never follows redirects, so tests see every response.
 */
final class TestClient {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final URI base;
    private final String cookieName;
    private String cookie;

    TestClient(URI base, String cookieName) {
        this.base = base;
        this.cookieName = cookieName;
    }

    /** The session cookie's value, or {@code null}. */
    String cookie() {
        return cookie;
    }

    /** Replaces the session cookie (a copy of an old value, say), or removes it with {@code null}. */
    void cookie(String value) {
        cookie = value;
    }

    HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        if (cookie != null) {
            request.header("Cookie", cookieName + "=" + cookie);
        }
        HttpResponse<String> response =
                HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        for (String line : response.headers().allValues("Set-Cookie")) {
            Map<String, String> parsed = parse(line);
            if (parsed.containsKey(cookieName)) {
                cookie = "0".equals(parsed.get("max-age")) ? null : parsed.get(cookieName);
            }
        }
        return response;
    }

    /** The {@code Set-Cookie} header of a response for the session cookie, or {@code null}. */
    String setCookie(HttpResponse<?> response) {
        List<String> lines = response.headers().allValues("Set-Cookie");
        return lines.stream()
                .filter(l -> l.startsWith(cookieName + "="))
                .findFirst()
                .orElse(null);
    }

    private static Map<String, String> parse(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : line.split(";")) {
            int eq = part.indexOf('=');
            String name = (eq < 0 ? part : part.substring(0, eq)).strip();
            String value = eq < 0 ? "" : part.substring(eq + 1).strip();
            out.put(out.isEmpty() ? name : name.toLowerCase(java.util.Locale.ROOT), value);
        }
        return out;
    }
}
