package dev.satchel.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Compressors and decompressors are reused: after any mix of good and bad input, every result must
 * still be what a fresh {@code zlib.compress} / {@code zlib.decompress} gives.
 */
class ZlibCodecTest {
    @Test
    void reuseAfterFailuresGivesTheSameBytesAsAFreshCompressor() {
        Random random = new Random(5);
        for (int round = 0; round < 500; round++) {
            byte[] data = new byte[random.nextInt(3000)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('a' + random.nextInt(random.nextBoolean() ? 3 : 26));
            }
            byte[] compressed = ZlibCodec.compress(data);
            assertArrayEquals(fresh(data), compressed, "round " + round);
            assertArrayEquals(data, ZlibCodec.decompress(compressed, data.length));
            // Failures in between must not leave state behind for the next use.
            if (compressed.length > 4) {
                byte[] truncated = Arrays.copyOf(compressed, compressed.length / 2);
                assertThrows(IllegalArgumentException.class, () -> ZlibCodec.decompress(truncated, 1 << 20));
            }
            if (data.length > 1) {
                assertThrows(IllegalArgumentException.class, () -> ZlibCodec.decompress(compressed, data.length - 1));
            }
            byte[] garbage = new byte[8];
            random.nextBytes(garbage);
            garbage[0] = 0x78; // a zlib header byte, then nonsense
            assertThrows(IllegalArgumentException.class, () -> ZlibCodec.decompress(garbage, 1 << 20));
        }
    }

    private static byte[] fresh(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[512];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }
}
