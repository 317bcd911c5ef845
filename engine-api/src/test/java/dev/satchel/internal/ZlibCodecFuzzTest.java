package dev.satchel.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.junit.jupiter.api.BeforeAll;

/**
 * zlib inflate with a limit, on any bytes: at most {@code maxBytes} out or {@link
 * IllegalArgumentException}; the same answer as a plain, unpooled {@link Inflater} run to the end of
 * the stream (so the pooled inflaters carry no state from one call to the next); and
 * compress-then-decompress is the identity. Committed inputs: a flags byte, then what Django's
 * {@code zlib.compress} wrote for the vector payloads ({@code signing.json}).
 */
class ZlibCodecFuzzTest {
    private static final int LIMIT = 1 << 20;

    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /** Input: one flags byte (bits 0-1 choose the limit), then the zlib data. */
    @FuzzTest
    void decompress_givesWhatZlibGivesWithinTheLimit(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        byte[] compressed = data.rest();
        int[] limits = {LIMIT, 0, 7, 300};
        int max = limits[flags & 3];

        Object first = outcome(compressed, max);
        Object reference = reference(compressed, max);
        assertEquals(reference, first, "disagrees with a fresh Inflater");
        if (first instanceof Bytes bytes) {
            assertTrue(bytes.value.length <= max);
        }
        // Something else through the pool in between, then the same input again: the same answer.
        outcome(new byte[] {0x78, (byte) 0x9c, 3, 0, 0, 0, 0, 1}, LIMIT);
        assertEquals(first, outcome(compressed, max), "a pooled inflater changed the result");
    }

    /** What {@code zlib.compress} writes inflates back; one byte less of room is refused. */
    @FuzzTest
    void compressThenDecompress_isTheIdentity(byte[] input) {
        byte[] zipped = ZlibCodec.compress(input);
        assertArrayEquals(input, ZlibCodec.decompress(zipped, input.length));
        if (input.length > 0) {
            assertThrows(IllegalArgumentException.class, () -> ZlibCodec.decompress(zipped, input.length - 1));
        }
    }

    private static Object outcome(byte[] compressed, int max) {
        try {
            return new Bytes(ZlibCodec.decompress(compressed, max));
        } catch (IllegalArgumentException e) {
            return "error";
        }
    }

    /** One zlib stream through a new Inflater, trailing bytes ignored, as Python's zlib.decompress. */
    private static Object reference(byte[] compressed, int max) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[512];
            while (!inflater.finished()) {
                long read = inflater.getBytesRead();
                int n = inflater.inflate(buf);
                if (n == 0 && !inflater.finished()) {
                    if (inflater.needsInput() || inflater.needsDictionary() || inflater.getBytesRead() == read) {
                        return "error";
                    }
                }
                out.write(buf, 0, n);
                if (out.size() > max) {
                    return "error";
                }
            }
            return new Bytes(out.toByteArray());
        } catch (DataFormatException e) {
            return "error";
        } finally {
            inflater.end();
        }
    }

    private record Bytes(byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return value.length + " bytes";
        }
    }
}
