package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.testing.RealDjango;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Satchel and real Django (3.2, Debian's python3-django) sharing one SQLite django_session table. */
class RealDjangoDbInteropTest {
    private static final String SECRET = "shared-secret-between-django-and-satchel-0123456789";
    private static final String SCRIPT = RealDjango.sessionScript(
            "django.contrib.sessions.backends.db",
            "DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': sys.argv[1]}}");

    @TempDir
    Path dir;

    @BeforeEach
    void django() {
        RealDjango.require();
    }

    private SessionManager satchel(Path db) {
        return SessionManager.open(SessionSettings.builder()
                .secretKey(SECRET)
                .engine("db")
                .engineProperty(DbSettings.URL, "jdbc:sqlite:" + db)
                .build());
    }

    private static String json(Object value) {
        return new String(JsonSerializer.create().serialize(value), StandardCharsets.ISO_8859_1);
    }

    @Test
    void djangoReadsSatchelsRow_andSatchelReadsDjangos() {
        Path db = dir.resolve("shared.sqlite3");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cart", List.of("apple", "pear"));
        data.put("big", BigInteger.TWO.pow(70));
        data.put("text", "h\u00e9llo \ud83d\ude00");
        data.put("_auth_user_id", "42");
        String key;
        try (SessionManager sessions = satchel(db)) {
            Session s = sessions.newSession();
            s.putAll(data);
            s.save();
            key = s.getSessionKey();
        }
        List<String> fromDjango = RealDjango.run(dir, SCRIPT, db.toString(), SECRET, "load", key);
        assertEquals(json(data), fromDjango.get(0), "Django's db engine reads Satchel's row");

        String djangoKey = RealDjango.run(dir, SCRIPT, db.toString(), SECRET, "save", "{\"k\":\"v\",\"n\":7}")
                .get(0);
        try (SessionManager sessions = satchel(db)) {
            Session s = sessions.session(djangoKey);
            assertEquals("v", s.get("k"), "Satchel reads Django's row");
            assertEquals(7L, s.get("n"));
        }
    }
}
