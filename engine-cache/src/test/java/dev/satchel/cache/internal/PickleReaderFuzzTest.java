package dev.satchel.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.MalformedPayloadException;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * The pickle reader on any bytes: a dict of plain data or {@link MalformedPayloadException}, never
 * another exception; what it reads is a fresh tree (no container twice) that the JSON serializer
 * stores as it is and that the pickle writer writes back to the same value; the {@code django-pickle}
 * codec agrees with it; and what the writer writes (protocols 4 and 5) reads back as the data
 * written. Committed inputs: a flags byte, then the pickles Django's memcached backend stored ({@code
 * backends.json}) and the vector session payloads pickled by Python with protocols 0 to 5.
 */
class PickleReaderFuzzTest {
    private static final JsonSerializer JSON = JsonSerializer.create();

    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /** Input: one flags byte (bits 0-1 choose the size limit), then the pickle. */
    @FuzzTest
    void readDict_anyBytes_givesPlainDataOrMalformed(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        byte[] pickle = data.rest();
        long[] limits = {1 << 20, 64, 4096, 1 << 20};
        long max = limits[flags & 3];

        Map<String, Object> read;
        try {
            read = PickleReader.readDict(pickle, max);
        } catch (MalformedPayloadException refused) {
            assertRefusedByCodec(pickle, (int) max);
            return;
        }
        checkFresh(read, new IdentityHashMap<>());
        JSON.serialize(read); // a session the reader accepts can be stored as JSON
        assertEquals(
                read, new DjangoPickleCodec(4, (int) max).decode(latin1(pickle)).data());
        for (int protocol = 4; protocol <= 5; protocol++) {
            byte[] again = PickleWriter.write(read, protocol);
            assertEquals(read, PickleReader.readDict(again, again.length), "protocol " + protocol);
        }
    }

    /** Any session data pickled by the writer reads back as the data, for both protocols. */
    @FuzzTest
    void writeThenRead_isTheIdentity(byte[] input) {
        FuzzData data = new FuzzData(input);
        Map<String, Object> session = new LinkedHashMap<>();
        while (data.more() && session.size() < 8) {
            session.put(data.nextString(24), data.jsonValue(6));
        }
        Object expected = FuzzData.canonical(session);
        for (int protocol = 4; protocol <= 5; protocol++) {
            byte[] pickle = PickleWriter.write(session, protocol);
            assertEquals(expected, PickleReader.readDict(pickle, pickle.length));
            DjangoPickleCodec codec = new DjangoPickleCodec(protocol, 1 << 20);
            assertEquals(expected, codec.decode(codec.encode(session)).data());
        }
    }

    private static void assertRefusedByCodec(byte[] pickle, int max) {
        try {
            new DjangoPickleCodec(4, max).decode(latin1(pickle));
        } catch (MalformedPayloadException expected) {
            return;
        }
        throw new AssertionError("the codec read a pickle the reader refuses");
    }

    /** No list or map appears twice in the tree (and so none contains itself). */
    private static void checkFresh(Object value, IdentityHashMap<Object, Boolean> seen) {
        if (value instanceof Map<?, ?> map) {
            assertNull(seen.put(map, true), "a map appears twice");
            for (Map.Entry<?, ?> e : map.entrySet()) {
                assertTrue(e.getKey() instanceof String);
                checkFresh(e.getValue(), seen);
            }
        } else if (value instanceof List<?> list) {
            assertNull(seen.put(list, true), "a list appears twice");
            for (Object item : list) {
                checkFresh(item, seen);
            }
        }
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
