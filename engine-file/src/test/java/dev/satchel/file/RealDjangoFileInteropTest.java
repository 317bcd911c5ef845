package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.testing.RealDjango;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Satchel and real Django (3.2, Debian's python3-django) sharing one session directory. */
class RealDjangoFileInteropTest {
    private static final String SECRET = "shared-secret-between-django-and-satchel-0123456789";
    private static final String SCRIPT =
            RealDjango.sessionScript("django.contrib.sessions.backends.file", "SESSION_FILE_PATH=sys.argv[1]");

    @TempDir
    Path dir;

    @BeforeEach
    void django() {
        RealDjango.require();
    }

    private SessionManager satchel(Path sessions) {
        return SessionManager.open(SessionSettings.builder()
                .secretKey(SECRET)
                .engine("file")
                .engineProperty("satchel.file.path", sessions.toString())
                .build());
    }

    @Test
    void djangoReadsSatchelsFile_andSatchelReadsDjangos() throws Exception {
        Path sessions = Fixture.privateDirectory(dir.resolve("sessions"));
        String key;
        try (SessionManager m = satchel(sessions)) {
            Session s = m.newSession();
            s.put("cart", List.of("apple"));
            s.put("n", 3L);
            s.save();
            key = s.getSessionKey();
        }
        List<String> fromDjango = RealDjango.run(dir, SCRIPT, sessions.toString(), SECRET, "load", key);
        assertEquals("{\"cart\":[\"apple\"],\"n\":3}", fromDjango.get(0), "Django's file engine reads Satchel's file");

        String djangoKey = RealDjango.run(dir, SCRIPT, sessions.toString(), SECRET, "save", "{\"k\":\"v\"}")
                .get(0);
        assertEquals(true, Files.exists(sessions.resolve("sessionid" + djangoKey)), "Django's file name");
        try (SessionManager m = satchel(sessions)) {
            assertEquals("v", m.session(djangoKey).get("k"), "Satchel reads Django's file");
        }
    }
}
