package dev.satchel.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.BadSignatureException;
import dev.satchel.Session;
import dev.satchel.SessionKeys;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SignatureExpiredException;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.codec.SessionCodec;
import dev.satchel.signing.SigningAlgorithm;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.testing.DeliberateDifferences;
import dev.satchel.testing.DjangoVectors;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code sessions.json}, run through a real {@link Session} over the reference engine:
 * Satchel writes the bytes Django writes and reads what Django reads. Where Django raises on a
 * validly signed oddity, Satchel's promise is an empty session instead, and the test says so.
 */
class DjangoSessionVectorTest {
    private static final JsonNode V = DjangoVectors.load("sessions.json");
    private static final JsonNode META = V.get("meta");
    private static final JsonSerializer JSON = JsonSerializer.create();
    private static final Map<String, Integer> EXERCISED = new HashMap<>();

    private static Instant at(JsonNode epochSeconds) {
        double seconds = epochSeconds.asDouble();
        long whole = (long) Math.floor(seconds);
        return Instant.ofEpochSecond(whole, Math.round((seconds - whole) * 1e9));
    }

    private static boolean django32() {
        return META.get("django_version").asText().startsWith("3.");
    }

    private static SessionSettings.Builder settings() {
        return SessionSettings.builder()
                .secretKey(META.get("secret_key").asText())
                .acceptDjango32Formats(django32());
    }

    private static SessionManager manager(SessionSettings settings, MutableClock clock) {
        return SessionManager.builder(settings)
                .clock(clock)
                .engine(InMemorySessionEngine::new)
                .build();
    }

    private static Map<String, Object> parse(String json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) JSON.deserialize(json.getBytes(StandardCharsets.ISO_8859_1));
        return map;
    }

    private static String json(Object value) {
        return new String(JSON.serialize(value), StandardCharsets.ISO_8859_1);
    }

    private static String json(Session s) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : s.entrySet()) {
            data.put(e.getKey(), e.getValue());
        }
        return json(data);
    }

    private static Session storedAs(SessionManager m, String encoded, Instant now) {
        String key = m.engine()
                .save(SessionKeys.generate(), SessionRecord.of(encoded, now.plus(Duration.ofDays(1))), SaveMode.CREATE);
        return m.session(key);
    }

    private static void count(String section) {
        synchronized (EXERCISED) {
            EXERCISED.merge(section, 1, Integer::sum);
        }
    }

    @TestFactory
    Stream<DynamicTest> backends_encodeAndDecodeLikeDjango() {
        Map<String, String> payloads = new HashMap<>();
        for (JsonNode p : V.get("payloads")) {
            payloads.put(p.get("id").asText(), p.get("json_text").asText());
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode backend : V.get("backends")) {
            assertEquals(
                    EngineContext.SESSION_STORE_SALT, backend.get("key_salt").asText());
            for (JsonNode enc : backend.get("encodings")) {
                String name = backend.get("backend").asText() + "/"
                        + enc.get("payload_id").asText();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    Instant now = at(enc.get("now"));
                    MutableClock clock = new MutableClock(now);
                    try (SessionManager m = manager(settings().build(), clock)) {
                        Map<String, Object> data =
                                parse(payloads.get(enc.get("payload_id").asText()));
                        Session s = m.newSession();
                        s.putAll(data);
                        s.save();
                        String written =
                                m.engine().load(s.getSessionKey()).orElseThrow().data();
                        String expected = enc.get("encoded").asText();
                        if (enc.get("compressed").asBoolean()) {
                            assertTrue(written.startsWith("."), "compressed like Django: " + written);
                            assertEquals(json(data), json(m.session(s.getSessionKey())));
                        } else {
                            assertEquals(expected, written, "the very bytes Django writes");
                        }
                        Session fromDjango = storedAs(m, expected, now);
                        assertEquals(enc.get("decoded_json_text").asText(), json(fromDjango));
                    }
                    count("backends");
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> decode_givesDjangosDataOrAnEmptySession() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : V.get("decode")) {
            tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> {
                Instant now = at(c.get("now"));
                SessionSettings.Builder b = settings();
                JsonNode overrides = c.get("settings");
                if (overrides != null && !overrides.isNull() && overrides.has("DEFAULT_HASHING_ALGORITHM")) {
                    b.signingAlgorithm(SigningAlgorithm.fromName(
                            overrides.get("DEFAULT_HASHING_ALGORITHM").asText()));
                }
                try (SessionManager m = manager(b.build(), new MutableClock(now))) {
                    Session s = storedAs(m, c.get("input").asText(), now);
                    assertEquals(
                            DeliberateDifferences.expectedDecodedJson(c),
                            json(s),
                            DeliberateDifferences.decode(c)
                                    .map(Object::toString)
                                    .orElse("as Django"));
                }
                count("decode");
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> legacyFormat_isReadWhenDjango32FormatsAreAccepted() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : V.get("legacy_format")) {
            tests.add(DynamicTest.dynamicTest(c.get("payload_id").asText(), () -> {
                Instant now = at(META.get("now"));
                SessionSettings on = settings().build();
                try (SessionManager m = manager(on, new MutableClock(now))) {
                    String expected = django32() ? c.get("serialized_json").asText() : "{}";
                    assertEquals(expected, json(storedAs(m, c.get("encoded").asText(), now)));
                }
                SessionSettings off = SessionSettings.builder()
                        .secretKey(META.get("secret_key").asText())
                        .build();
                try (SessionManager m = manager(off, new MutableClock(now))) {
                    assertEquals("{}", json(storedAs(m, c.get("encoded").asText(), now)), "Django 4+ reads nothing");
                }
                count("legacy_format");
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> setExpiry_storesWhatDjangoStores() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : V.get("expiry_in_session_dict")) {
            JsonNode arg = c.get("set_expiry");
            tests.add(DynamicTest.dynamicTest("set_expiry(" + arg + ")", () -> {
                Instant now = at(META.get("now"));
                try (SessionManager m = manager(settings().build(), new MutableClock(now))) {
                    Session s = m.newSession();
                    s.put("k", "v");
                    if (arg.isIntegralNumber()) {
                        s.setExpiry(arg.asLong());
                    } else if (arg.isNull()) {
                        s.clearExpiry();
                    } else {
                        // Django 3.2 stored a datetime it then could not encode; Satchel stores that
                        // instant as an ISO string, as Django 4+ does.
                        Matcher timedelta = TIMEDELTA.matcher(arg.asText());
                        assertTrue(timedelta.matches(), "a timedelta argument: " + arg.asText());
                        String why = DeliberateDifferences.DATETIME_EXPIRY_AS_ISO_STRING.toString();
                        assertEquals("error", c.get("encode_outcome").asText(), why);
                        long seconds = Long.parseLong(timedelta.group(1));
                        s.setExpiry(Duration.ofSeconds(seconds));
                        Map<String, Object> expected = new LinkedHashMap<>();
                        expected.put("k", "v");
                        expected.put(
                                Session.EXPIRY_KEY,
                                isoOfDatetimeRepr(c.get("stored_value_python").asText()));
                        assertEquals(json(expected), json(s), why);
                        assertEquals(seconds, s.getExpiryAge());
                        count("expiry_in_session_dict");
                        return;
                    }
                    assertEquals(c.get("session_json_text").asText(), json(s));
                    assertEquals(c.get("get_expiry_age").asLong(), s.getExpiryAge());
                    assertEquals(c.get("get_expire_at_browser_close").asBoolean(), s.getExpireAtBrowserClose());
                    s.save();
                    assertEquals(
                            c.get("encoded").asText(),
                            m.engine().load(s.getSessionKey()).orElseThrow().data());
                }
                count("expiry_in_session_dict");
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> signedCookieValues_matchDjangoAtTheCodecLevel() {
        String salt = "django.contrib.sessions.backends.signed_cookies";
        Map<String, String> payloads = new HashMap<>();
        for (JsonNode p : V.get("payloads")) {
            payloads.put(p.get("id").asText(), p.get("json_text").asText());
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : V.get("signed_cookies_values")) {
            tests.add(DynamicTest.dynamicTest(c.get("payload_id").asText(), () -> {
                assertEquals(salt, c.get("salt").asText());
                MutableClock clock = new MutableClock(at(c.get("now")));
                Duration age = Duration.ofSeconds(c.get("SESSION_COOKIE_AGE").asLong());
                SessionCodec codec = EngineContext.of(settings().build(), clock).signedCodec(salt, age);
                Map<String, Object> data =
                        parse(payloads.get(c.get("payload_id").asText()));
                String ours = codec.encode(data);
                if (!c.get("compressed").asBoolean()) {
                    assertEquals(c.get("cookie_value").asText(), ours);
                }
                for (JsonNode load : c.get("loads")) {
                    clock.set(at(load.get("now")));
                    String cookie = c.get("cookie_value").asText();
                    if (load.get("modified_after_load").asBoolean()) {
                        assertThrows(SignatureExpiredException.class, () -> codec.decode(cookie), load.toString());
                    } else {
                        assertEquals(
                                load.get("loaded_json_text").asText(),
                                json(codec.decode(cookie).data()));
                    }
                }
                count("signed_cookies_values");
            }));
        }
        for (JsonNode c : tamperedCookies()) {
            tests.add(DynamicTest.dynamicTest(
                    "tampered " + c.get("input").asText().substring(0, 12), () -> {
                        MutableClock clock = new MutableClock(at(META.get("now")));
                        long age = V.get("signed_cookies_values")
                                .get(0)
                                .get("SESSION_COOKIE_AGE")
                                .asLong();
                        SessionCodec codec =
                                EngineContext.of(settings().build(), clock).signedCodec(salt, Duration.ofSeconds(age));
                        assertTrue(c.get("modified_after_load").asBoolean());
                        assertThrows(
                                BadSignatureException.class,
                                () -> codec.decode(c.get("input").asText()));
                        count("signed_cookies_tampered");
                    }));
        }
        return tests.stream();
    }

    private static final Pattern TIMEDELTA = Pattern.compile("timedelta\\(seconds=(\\d+)\\)");
    private static final Pattern DATETIME_REPR =
            Pattern.compile("datetime\\.datetime\\((\\d+), (\\d+), (\\d+), (\\d+), (\\d+)(?:, (\\d+))?(?:, (\\d+))?,"
                    + " tzinfo=datetime\\.timezone\\.utc\\)");

    /** Python's repr of an aware UTC datetime, as Django 4+ stores it: {@code datetime.isoformat()}. */
    private static String isoOfDatetimeRepr(String repr) {
        Matcher m = DATETIME_REPR.matcher(repr);
        assertTrue(m.matches(), "an aware UTC datetime: " + repr);
        int micros = m.group(7) == null ? 0 : Integer.parseInt(m.group(7));
        String iso = String.format(
                "%04d-%02d-%02dT%02d:%02d:%02d",
                Integer.parseInt(m.group(1)),
                Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)),
                Integer.parseInt(m.group(5)),
                m.group(6) == null ? 0 : Integer.parseInt(m.group(6)));
        return iso + (micros == 0 ? "" : String.format(".%06d", micros)) + "+00:00";
    }

    /** One tampered cookie in this vector set; a list of them is accepted too. */
    private static List<JsonNode> tamperedCookies() {
        JsonNode node = V.get("signed_cookies_tampered");
        List<JsonNode> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(out::add);
        } else {
            out.add(node);
        }
        return out;
    }

    @AfterAll
    static void everyVectorWasExercised() {
        int backends = 0;
        for (JsonNode b : V.get("backends")) {
            backends += b.get("encodings").size();
        }
        assertEquals(backends, EXERCISED.getOrDefault("backends", 0));
        assertEquals(V.get("decode").size(), EXERCISED.getOrDefault("decode", 0));
        assertEquals(V.get("legacy_format").size(), EXERCISED.getOrDefault("legacy_format", 0));
        assertEquals(V.get("expiry_in_session_dict").size(), EXERCISED.getOrDefault("expiry_in_session_dict", 0));
        assertEquals(V.get("signed_cookies_values").size(), EXERCISED.getOrDefault("signed_cookies_values", 0));
        assertEquals(tamperedCookies().size(), EXERCISED.getOrDefault("signed_cookies_tampered", 0));
    }
}
