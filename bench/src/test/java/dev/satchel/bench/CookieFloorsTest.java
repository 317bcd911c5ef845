package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satchel.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cookie floors: Django's format done by hand, read by Satchel and the other way round. */
class CookieFloorsTest {
    private static final Duration AGE = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void djangoFloor_matchesDjangosOwnVector() {
        // SPEC B.3.7: signed_cookies session {"x":1}, SECRET_KEY test-secret-key, time 1700000000.
        Clock at = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
        DjangoCookieFloor floor = new DjangoCookieFloor("test-secret-key", AGE, at);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("x", 1);
        assertEquals("eyJ4IjoxfQ:1r31eq:csADeFur8feySEQ9DER1sEQ3MToZDxQZN2-I7NlG3vE", floor.write(data));
        assertEquals(tree(data), tree(floor.load(floor.write(data))));
    }

    /** The JSON tree of a value: equal for equal data, whatever number classes each reader chose. */
    private static JsonNode tree(Object value) {
        try {
            return JSON.readTree(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void djangoFloor_writesWhatSatchelWrites_andEachReadsTheOther() {
        for (Payload p : new Payload[] {Payload.SMALL, Payload.MEDIUM}) {
            try (Fixture f = EngineType.SIGNED_COOKIES.open(false)) {
                Map<String, Object> data = p.data();
                String byFloor = f.floor().create(data, null, f.expiry());
                Session s = f.manager().session(byFloor);
                Map<String, Object> read = new LinkedHashMap<>();
                s.entrySet().forEach(e -> read.put(e.getKey(), e.getValue()));
                assertEquals(tree(data), tree(read), p + ": Satchel reads the floor's cookie");

                String bySatchel = f.seed(data);
                assertEquals(tree(data), tree(f.floor().load(bySatchel)), p + ": the floor reads Satchel's cookie");

                // The same second gives the same bytes: same JSON, same zlib, same signature.
                String floorNow = null;
                String satchelNow = null;
                for (int i = 0; i < 5 && (floorNow == null || !floorNow.equals(satchelNow)); i++) {
                    satchelNow = f.encode(data);
                    floorNow = f.floor().create(data, null, f.expiry());
                }
                assertEquals(satchelNow, floorNow, p.name());
                if (p == Payload.MEDIUM) {
                    assertTrue(floorNow.startsWith("."), "the medium payload is compressed: " + floorNow);
                }
            }
        }
    }

    @Test
    void djangoFloor_refusesACookieOlderThanTheCookieAge() {
        BenchClock clock = new BenchClock();
        DjangoCookieFloor floor = new DjangoCookieFloor(EngineType.SECRET, AGE, clock);
        String cookie = floor.write(Payload.SMALL.data());
        clock.setOffset(AGE.plusSeconds(2));
        assertThrows(IllegalStateException.class, () -> floor.load(cookie));
    }

    @Test
    void signedCookie_keepsTheHmacJacksonFloorAsAnExtraFloor() {
        try (Fixture f = EngineType.SIGNED_COOKIES.open(false)) {
            Floor extra = f.extraFloors().get(Floors.HMAC_JACKSON);
            assertEquals(
                    java.util.Set.copyOf(EngineType.SIGNED_COOKIES.extraFloors()),
                    f.extraFloors().keySet());
            Map<String, Object> data = Payload.MEDIUM.data();
            assertEquals(tree(data), tree(extra.load(extra.create(data, null, null))));

            // What the paired benchmark runs for against = "FLOOR:hmac-jackson".
            Contender floor = Opponents.open("FLOOR:" + Floors.HMAC_JACKSON, f);
            floor.prepare(data, 2);
            assertEquals(tree(data), tree(floor.load(1)));
            floor.cycle(0, 7);
        }
    }

    @Test
    void encryptedFloor_roundTripsAndRefusesAnOldCookie() {
        BenchClock clock = new BenchClock();
        Floor floor = Floors.encryptedCookie(EngineType.SECRET, AGE, clock);
        Map<String, Object> data = Payload.MEDIUM.data();
        String cookie = floor.create(data, null, null);
        assertEquals(tree(data), tree(floor.load(cookie)));
        clock.setOffset(AGE.plusSeconds(2));
        assertThrows(IllegalStateException.class, () -> floor.load(cookie));
    }
}
