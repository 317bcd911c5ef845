package dev.satchel.cookie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.codec.JsonSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Round trips with a real Django ({@code /usr/bin/python3} with Django installed, for example
 * Debian's {@code python3-django}): Django's {@code signed_cookies} SessionStore loads the cookie
 * Satchel wrote, and Satchel loads the cookie Django wrote. Skipped when that Python cannot import
 * Django; the vector tests prove the same without Python.
 */
class DjangoInteropTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SECRET = "interop-secret-key-0123456789abcdefghijklmnopqrstuv";
    private static final String SCRIPT = String.join(
            "\n",
            "import json, sys",
            "from django.conf import settings",
            "settings.configure(SECRET_KEY=sys.argv[1],"
                    + " SESSION_ENGINE='django.contrib.sessions.backends.signed_cookies')",
            "from django.contrib.sessions.backends.signed_cookies import SessionStore",
            "text = sys.stdin.read()",
            "if sys.argv[2] == 'load':",
            "    s = SessionStore(session_key=text.strip())",
            "    print(json.dumps(dict(s.items()), separators=(',', ':')))",
            "    print('modified' if s.modified else 'clean')",
            "else:",
            "    s = SessionStore()",
            "    s.update(json.loads(text))",
            "    s.save()",
            "    print(s.session_key)",
            "");

    private static Path script;

    @BeforeAll
    static void findDjango() throws Exception {
        boolean available = false;
        if (Files.isExecutable(Path.of(PYTHON))) {
            Process p = new ProcessBuilder(PYTHON, "-c", "import django").start();
            available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        if (!available && dev.satchel.testing.Servers.isCi()) {
            org.junit.jupiter.api.Assertions.fail(
                    PYTHON
                            + " cannot import django: scripts/test-deps installs python3-django (CI=true: a missing peer fails)");
        }
        assumeTrue(
                available,
                PYTHON + " cannot import django (run scripts/test-deps or apt-get install python3-django); skipped");
        script = Files.createTempFile("satchel-django-interop", ".py");
        Files.writeString(script, SCRIPT);
        script.toFile().deleteOnExit();
    }

    private static List<String> django(String mode, String input) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Process p = new ProcessBuilder(PYTHON, script.toString(), SECRET, mode)
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            return out.lines().toList();
        });
    }

    private static SessionManager sessions(String engine) {
        return SessionManager.open(
                SessionSettings.builder().secretKey(SECRET).engine(engine).build());
    }

    private static Map<String, Object> sample() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("_auth_user_id", "17");
        data.put("cart", List.of("apple", "pear"));
        data.put("greeting", "Zo\u00eb \ud83d\ude00");
        data.put("count", 3L);
        data.put("ratio", 0.1);
        data.put("history", "page ".repeat(200));
        return data;
    }

    @Test
    void djangoLoadsSatchelsCookie() throws IOException {
        try (SessionManager sessions = sessions("signed_cookies")) {
            for (Map<String, Object> data : List.of(sample(), Map.<String, Object>of("x", 1L))) {
                Session s = sessions.newSession();
                s.putAll(data);
                s.save();
                List<String> out = django("load", s.getSessionKey());
                assertEquals(
                        new String(
                                JsonSerializer.create().serialize(new LinkedHashMap<>(data)),
                                StandardCharsets.ISO_8859_1),
                        out.get(0));
                assertEquals("clean", out.get(1), "Django accepted the cookie");
            }
        }
    }

    @Test
    void satchelLoadsDjangosCookie() {
        String json = new String(JsonSerializer.create().serialize(sample()), StandardCharsets.ISO_8859_1);
        String cookie = django("save", json).get(0);
        try (SessionManager sessions = sessions("django.contrib.sessions.backends.signed_cookies")) {
            Session s = sessions.session(cookie);
            Map<String, Object> loaded = new LinkedHashMap<>();
            s.entrySet().forEach(e -> loaded.put(e.getKey(), e.getValue()));
            assertEquals(sample(), loaded);
        }
    }

    @Test
    void djangoRefusesATamperedSatchelCookie() {
        try (SessionManager sessions = sessions("signed_cookies")) {
            Session s = sessions.newSession();
            s.put("role", "user");
            s.save();
            String cookie = s.getSessionKey();
            String tampered = cookie.substring(0, 2) + (cookie.charAt(2) == 'A' ? 'B' : 'A') + cookie.substring(3);
            List<String> out = django("load", tampered);
            assertEquals("{}", out.get(0));
            assertEquals("modified", out.get(1));
        }
    }
}
