package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.Session;
import dev.satchel.SessionKeys;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.DeliberateDifferences;
import dev.satchel.testing.DjangoVectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files move both ways between Django's file engine and Satchel's. Django-written files are made from
 * the vectors exactly as Django makes them (the encoded value as content, the write time as
 * modification time); Satchel-written files are compared byte for byte with Django's and judged by
 * Django's own expiry rule (B.4.4), restated below.
 */
class DjangoInteropTest {
    private static final JsonNode BACKENDS = DjangoVectors.load("backends.json");
    private static final JsonNode SESSIONS = DjangoVectors.load("sessions.json");
    private static final String SECRET =
            BACKENDS.path("meta").path("secret_key").asText();
    private static final Instant NOW =
            Instant.ofEpochMilli(Math.round(BACKENDS.path("meta").path("now").asDouble() * 1000));

    @TempDir
    Path dir;

    private Fixture open() {
        return Fixture.open(dir, new MutableClock(NOW), SECRET, b -> b);
    }

    @Test
    void aFileDjangoWrote_loads_untilDjangosExpiry_thenIsDeleted() throws IOException {
        JsonNode saved = BACKENDS.path("file_backend").path("saved_session");
        String key = saved.path("session_key").asText();
        try (Fixture f = open()) {
            Fixture.writeLikeDjango(
                    dir,
                    saved.path("file_name").asText(),
                    saved.path("file_content").asText(),
                    NOW);
            Map<String, Object> expected =
                    json(saved.path("loaded_back_json_text").asText());
            f.clock.advance(Duration.ofHours(1));
            Session s = f.sessions.session(key);
            assertEquals(expected, toMap(s));
            assertEquals(key, s.getSessionKey());
            f.clock.set(NOW.plus(f.sessions.settings().cookieAge()).minusSeconds(1));
            assertEquals(expected, toMap(f.sessions.session(key)));
            f.clock.set(NOW.plus(f.sessions.settings().cookieAge()).plusSeconds(1));
            assertEquals(Map.of(), toMap(f.sessions.session(key)));
            assertEquals(List.of(), Fixture.names(dir), "expired: deleted, nothing created");
        }
    }

    @Test
    void satchelWritesTheSameBytesDjangoWrote() throws IOException {
        JsonNode saved = BACKENDS.path("file_backend").path("saved_session");
        String key = saved.path("session_key").asText();
        try (Fixture f = open()) {
            Map<String, Object> data = json(saved.path("loaded_back_json_text").asText());
            f.engine.save(key, SessionRecord.of(f.engine.codec().encode(data), null), SaveMode.CREATE);
            assertEquals(
                    saved.path("files_in_dir").get(0).asText(),
                    Fixture.names(dir).get(0));
            assertEquals(
                    saved.path("file_content").asText(),
                    Files.readString(dir.resolve(saved.path("file_name").asText()), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void everyDjangoEncoding_loadsFromAFile() throws IOException {
        JsonSerializer json = JsonSerializer.create();
        int checked = 0;
        for (JsonNode backend : SESSIONS.path("backends")) {
            if (!"file".equals(backend.path("backend").asText())) {
                continue;
            }
            for (JsonNode enc : backend.path("encodings")) {
                try (Fixture f = open()) {
                    String key = SessionKeys.generate();
                    Fixture.writeLikeDjango(
                            dir,
                            f.sessions.settings().cookieName() + key,
                            enc.path("encoded").asText(),
                            NOW);
                    f.clock.advance(Duration.ofMinutes(5));
                    Session s = f.sessions.session(key);
                    Map<String, Object> data = toMap(s);
                    assertEquals(key, s.getSessionKey(), enc.path("payload_id").asText());
                    assertEquals(
                            enc.path("decoded_json_text").asText(),
                            new String(json.serialize(data), StandardCharsets.ISO_8859_1),
                            enc.path("payload_id").asText());
                    checked++;
                }
            }
        }
        long inFile = 0;
        for (JsonNode backend : SESSIONS.path("backends")) {
            inFile += "file".equals(backend.path("backend").asText())
                    ? backend.path("encodings").size()
                    : 0;
        }
        assertEquals(inFile, checked, "every encoding of the file backend");
        assertTrue(checked > 0, "no file backend encoding in " + DjangoVectors.source());
    }

    @Test
    void djangosIntegerExpiry_isEnforcedServerSide() throws IOException {
        for (JsonNode c : SESSIONS.path("expiry_in_session_dict")) {
            if (!c.path("set_expiry").isIntegralNumber()) {
                continue;
            }
            long seconds = c.path("set_expiry").asLong();
            long age = c.path("get_expiry_age").asLong();
            Map<String, Object> data = json(c.path("session_json_text").asText());
            try (Fixture f = open()) {
                long cookieAge = f.sessions.settings().cookieAge().getSeconds();
                // Django's file engine keeps the file for the cookie age whatever the integer expiry;
                // Satchel's ends it at the expiry when that is sooner.
                String why =
                        DeliberateDifferences.fileEngineExpiresEarlier(data.get("_session_expiry"), age + 1, cookieAge)
                                ? DeliberateDifferences.FILE_ENGINE_ENFORCES_CUSTOM_EXPIRY.toString()
                                : "Django's rule: expired after the cookie age";
                String key = SessionKeys.generate();
                Fixture.writeLikeDjango(
                        dir,
                        f.sessions.settings().cookieName() + key,
                        c.path("encoded").asText(),
                        NOW);
                f.clock.set(NOW.plusSeconds(age - 1));
                assertEquals(data, toMap(f.sessions.session(key)), "alive before " + age + " s");
                f.clock.set(NOW.plusSeconds(age + 1));
                assertEquals(
                        Map.of(),
                        toMap(f.sessions.session(key)),
                        "expired after " + age + " s (set_expiry(" + seconds + ")): " + why);
                assertEquals(List.of(), Fixture.names(dir));
            }
        }
    }

    @Test
    void djangoKeepsSatchelsFiles_atLeastAsLongAsSatchelDoes() throws IOException {
        try (Fixture f = Fixture.open(dir)) {
            Instant start = f.clock.instant();
            List<String> keys = List.of(
                    saved(f, s -> {}),
                    saved(f, s -> s.setExpiry(120)),
                    saved(f, s -> s.setExpiry(0)),
                    saved(f, s -> s.setExpiry(start.plusSeconds(500))),
                    saved(f, s -> s.setExpiry(Duration.ofDays(30))));
            long cookieAge = f.sessions.settings().cookieAge().getSeconds();
            for (long t : new long[] {0, 60, 119, 121, 499, 501, cookieAge - 1, cookieAge + 1, 30L * 86400 + 1}) {
                f.clock.set(start.plusSeconds(t));
                for (String key : keys) {
                    Path file = dir.resolve("sessionid" + key);
                    if (!Files.exists(file)) {
                        continue;
                    }
                    boolean django = djangoWouldLoad(f, file, f.clock.instant());
                    boolean satchel = f.engine.load(key).isPresent();
                    assertTrue(!satchel || django, "Satchel keeps a session Django drops, at +" + t + " s");
                }
            }
            assertEquals(List.of(), Fixture.names(dir), "all expired in the end");
        }
    }

    /**
     * Django's file engine load (B.4.4): expiry = {@code _session_expiry} from the data, else the
     * modification time plus the cookie age; expired when {@code get_expiry_age(expiry=...) <= 0},
     * where an integer expiry is returned as is and a datetime gives whole seconds until it.
     */
    private static boolean djangoWouldLoad(Fixture f, Path file, Instant now) throws IOException {
        String content = Files.readString(file, StandardCharsets.US_ASCII);
        Map<String, Object> data = f.engine.codec().decode(content).data();
        Object expiry = data.get("_session_expiry");
        Instant modified = Files.getLastModifiedTime(file).toInstant();
        if (expiry instanceof Number n && n.longValue() != 0) {
            return n.longValue() > 0;
        }
        Instant at = expiry instanceof String iso
                ? OffsetDateTime.parse(iso).toInstant()
                : modified.plus(f.sessions.settings().cookieAge());
        long age = Math.floorDiv(Duration.between(now, at).toNanos(), 1_000_000_000L);
        return age > 0;
    }

    private static String saved(Fixture f, java.util.function.Consumer<Session> expiry) {
        Session s = f.sessions.newSession();
        s.put("k", "v");
        expiry.accept(s);
        s.save();
        assertFalse(s.getSessionKey().isEmpty());
        return s.getSessionKey();
    }

    private static Map<String, Object> toMap(Session s) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : s.entrySet()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Django's JSON text as Satchel reads it (whole numbers as Long, as a loaded session holds them). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String text) {
        return (Map<String, Object>) JsonSerializer.create().deserialize(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
