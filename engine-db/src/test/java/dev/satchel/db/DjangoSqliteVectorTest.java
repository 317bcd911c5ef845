package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.SessionSettings;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.DjangoVectors;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Inflater;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite database real Django wrote: Satchel reads its rows and writes rows Django would write. */
class DjangoSqliteVectorTest {
    private static final JsonNode VECTORS = DjangoVectors.load("backends.json");
    private static final JsonNode DB = VECTORS.get("db_backend");
    private static final String SECRET = VECTORS.get("meta").get("secret_key").asText();

    @TempDir
    Path dir;

    private static Instant instant(JsonNode epochSeconds) {
        BigDecimal micros = epochSeconds.decimalValue().movePointRight(6);
        return Instant.EPOCH.plusNanos(micros.longValueExact() * 1000);
    }

    private static EngineContext context(MutableClock clock) {
        return EngineContext.of(SessionSettings.builder().secretKey(SECRET).build(), clock);
    }

    private DbSessionEngine engine(String url, MutableClock clock) {
        return DbSessionEngine.builder(context(clock))
                .settings(DbSettings.builder().url(url).build())
                .build();
    }

    private static String json(EngineContext ctx, Map<String, Object> data) {
        return new String(ctx.serializer().serialize(data), StandardCharsets.ISO_8859_1);
    }

    @Test
    void djangosDatabase_liveRowsLoad_expiredRowDoesNot_schemaUntouched() throws Exception {
        Path file = DjangoVectors.copyTo(DB.get("sqlite_file").asText(), dir.resolve("django.sqlite3"));
        String url = "jdbc:sqlite:" + file;
        MutableClock clock = new MutableClock(instant(VECTORS.get("meta").get("now")));
        EngineContext ctx = context(clock);
        try (DbSessionEngine engine = engine(url, clock)) {
            int live = 0;
            for (JsonNode row : DB.get("rows")) {
                String key = row.get("session_key").asText();
                var loaded = engine.load(key);
                String expected = row.get("loaded_at_now_json_text").asText();
                if (expected.equals("{}")) {
                    assertTrue(loaded.isEmpty(), row.get("id").asText() + " is expired at meta.now");
                    assertTrue(engine.exists(key), "exists ignores expiry, as Django's does");
                    continue;
                }
                live++;
                SessionRecord record = loaded.orElseThrow();
                assertEquals(row.get("session_data_column").asText(), record.data());
                assertEquals(
                        Instant.parse(row.get("expire_date_utc_iso").asText().replace("+00:00", "Z")), record.expiry());
                Map<String, Object> data = engine.codec().decode(record.data()).data();
                assertEquals(expected, json(ctx, data), row.get("id").asText());
            }
            long liveInFile = 0;
            for (JsonNode row : DB.get("rows")) {
                liveInFile += row.get("loaded_at_now_json_text").asText().equals("{}") ? 0 : 1;
            }
            assertEquals(liveInFile, live, "rows Django still loads at meta.now");
            assertTrue(live > 0, "no live row in " + DjangoVectors.source());
        }
        List<String> schema = new ArrayList<>();
        try (Connection c = TestDb.connect(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT type, name, sql FROM sqlite_master ORDER BY name")) {
            while (rs.next()) {
                schema.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        List<String> django = new ArrayList<>();
        for (JsonNode o : DB.get("sqlite_master")) {
            django.add(o.get("type").asText() + " " + o.get("name").asText() + " "
                    + (o.get("sql").isNull() ? null : o.get("sql").asText()));
        }
        django.sort(null);
        schema.sort(null);
        assertEquals(django, schema, "Satchel found Django's table and changed no schema object");
    }

    @Test
    void rowsSatchelWrites_areByteForByteDjangos() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("satchel.sqlite3");
        MutableClock clock = new MutableClock(Instant.EPOCH);
        try (DbSessionEngine engine = engine(url, clock)) {
            for (JsonNode row : DB.get("rows")) {
                clock.set(instant(row.get("saved_at")));
                @SuppressWarnings("unchecked")
                Map<String, Object> data = (Map<String, Object>) context(clock)
                        .serializer()
                        .deserialize(row.get("session_dict_json_text").asText().getBytes(StandardCharsets.ISO_8859_1));
                Instant expiry =
                        Instant.parse(row.get("expire_date_utc_iso").asText().replace("+00:00", "Z"));
                String key = row.get("session_key").asText();
                engine.save(
                        key,
                        SessionRecord.of(engine.codec().encode(new LinkedHashMap<>(data)), expiry),
                        SaveMode.CREATE);
                String[] raw = TestDb.rawRow(url, DbSettings.DEFAULT_TABLE, key);
                assertEquals(
                        row.get("session_data_column").asText(),
                        raw[0],
                        row.get("id").asText());
                assertEquals(
                        row.get("expire_date_column_text").asText(),
                        raw[1],
                        row.get("id").asText());
                assertEquals(row.get("session_dict_json_text").asText(), decodeByTheVectorRules(raw[0]));
            }
        }
        // Django's str(datetime) drops a zero fraction; Satchel writes the same text.
        try (DbSessionEngine engine = engine(url, new MutableClock(Instant.EPOCH))) {
            String key = TestDb.key();
            Instant whole = Instant.parse("2031-05-06T07:08:09Z");
            engine.save(key, SessionRecord.of(engine.codec().encode(new LinkedHashMap<>()), whole), SaveMode.CREATE);
            assertEquals("2031-05-06 07:08:09", TestDb.rawRow(url, DbSettings.DEFAULT_TABLE, key)[1]);
            String key2 = TestDb.key();
            engine.save(
                    key2,
                    SessionRecord.of(engine.codec().encode(new LinkedHashMap<>()), whole.plusNanos(1_500)),
                    SaveMode.CREATE);
            assertEquals("2031-05-06 07:08:09.000001", TestDb.rawRow(url, DbSettings.DEFAULT_TABLE, key2)[1]);
        }
        List<String> schema = new ArrayList<>();
        try (Connection c = TestDb.connect(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT sql FROM sqlite_master WHERE tbl_name = 'django_session' AND sql IS NOT NULL ORDER BY type DESC")) {
            while (rs.next()) {
                schema.add(rs.getString(1));
            }
        }
        List<String> django = new ArrayList<>();
        for (JsonNode o : DB.get("sqlite_master")) {
            if (o.get("tbl_name").asText().equals("django_session")
                    && !o.get("sql").isNull()) {
                django.add(o.get("sql").asText());
            }
        }
        django.sort((a, b) -> a.startsWith("CREATE TABLE") ? -1 : 1);
        assertEquals(django, schema, "the table Satchel creates is the one Django's migration creates");
    }

    /**
     * Decodes a session_data column independently of Satchel's codec, by the rules in the vectors:
     * {@code [.]b64url(json):b62(ts):b64url(HMAC-SHA256)}, key = sha256(salt + "signer" + secret).
     */
    private static String decodeByTheVectorRules(String column) throws Exception {
        int last = column.lastIndexOf(':');
        String signed = column.substring(0, last);
        byte[] key = MessageDigest.getInstance("SHA-256")
                .digest(("django.contrib.sessions.SessionStore" + "signer" + SECRET).getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] expected = mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(expected, Base64.getUrlDecoder().decode(column.substring(last + 1)), "signature");
        String payload = signed.substring(0, signed.indexOf(':'));
        boolean compressed = payload.startsWith(".");
        byte[] bytes = Base64.getUrlDecoder().decode(compressed ? payload.substring(1) : payload);
        if (compressed) {
            Inflater inflater = new Inflater();
            inflater.setInput(bytes);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!inflater.finished()) {
                out.write(buf, 0, inflater.inflate(buf));
            }
            bytes = out.toByteArray();
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
