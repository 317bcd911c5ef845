package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server-side engines' floor, the store plus Django's codec by hand: it stores the bytes the
 * engine stores and reads back what it wrote, on every embedded server-side store.
 */
class CodecFloorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode tree(Object value) {
        try {
            return JSON.readTree(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = EngineType.class,
            names = {"FILE", "CACHE_CAFFEINE", "DB_SQLITE"})
    void codecFloor_storesTheEnginesBytes_andReadsThemBack(EngineType type) {
        try (Fixture f = type.open(false)) {
            DjangoCodec codec = new DjangoCodec(EngineType.SECRET, DjangoCodec.SERVER_SALT, null, f.clock());
            Floor floor = Floors.withDjangoCodec(f.floor(), codec);
            for (Payload p : new Payload[] {Payload.SMALL, Payload.MEDIUM, Payload.LARGE}) {
                Map<String, Object> data = p.data();
                String key = floor.create(data, "ignored", f.expiry());
                assertEquals(tree(data), tree(floor.load(key)), type + " " + p + ": the floor reads what it wrote");

                // What the raw store now holds is the floor's encoding, not the ready-made bytes passed in.
                Object stored = f.floor().load(key);
                String storedData = stored instanceof Floors.Row row ? row.data() : (String) stored;
                assertNotEquals("ignored", storedData);

                // The same second gives the same bytes as the engine's codec: same JSON, zlib and signature.
                String byFloor = null;
                String byEngine = null;
                for (int i = 0; i < 5 && (byFloor == null || !byFloor.equals(byEngine)); i++) {
                    byEngine = f.encode(data);
                    byFloor = codec.encode(data);
                }
                assertEquals(byEngine, byFloor, type + " " + p);

                floor.save(key, data, "ignored", f.expiry());
                Object again = f.floor().load(key);
                String againData = again instanceof Floors.Row row ? row.data() : (String) again;
                assertNotEquals("ignored", againData, "a save encodes the session itself");
                assertEquals(tree(data), tree(floor.load(key)));
            }
        }
    }
}
