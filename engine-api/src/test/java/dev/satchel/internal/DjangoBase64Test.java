package dev.satchel.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast decoder for clean input must agree with the step-by-step lenient decoder (which the
 * Django vectors check) on every input, clean or not, including its errors.
 */
class DjangoBase64Test {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    @Test
    void roundTripsEveryLength() {
        Random random = new Random(7);
        for (int n = 0; n < 400; n++) {
            byte[] data = new byte[n];
            random.nextBytes(data);
            byte[] text = DjangoBase64.encodeToBytes(data);
            assertArrayEquals(data, DjangoBase64.decode(text, 0, text.length, n), "length " + n);
        }
    }

    @Test
    void agreesWithTheLenientDecoderOnCleanAndDirtyInput() {
        Random random = new Random(11);
        String dirty = ALPHABET + "+/=.!\u00e9 \n";
        int checked = 0;
        for (int round = 0; round < 20_000; round++) {
            String source = round % 2 == 0 ? ALPHABET : dirty;
            int length = random.nextInt(40);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < length; i++) {
                sb.append(source.charAt(random.nextInt(source.length())));
            }
            byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
            int max = random.nextInt(4) == 0 ? random.nextInt(30) : 1000;
            Object fast = outcome(() -> DjangoBase64.decode(text, 0, text.length, max));
            Object slow = outcome(() -> DjangoBase64.decodeLenient(text, 0, text.length, max));
            assertEquals(slow, fast, "input \"" + sb + "\" max " + max);
            checked++;
        }
        assertEquals(20_000, checked);
    }

    @Test
    void decodesAWindowOfALargerArray() {
        byte[] text = "xxQUJD!!".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals("ABC".getBytes(StandardCharsets.US_ASCII), DjangoBase64.decode(text, 2, 6, 10));
    }

    @Test
    void refusesAResultOverTheLimit() {
        byte[] text = "QUJD".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> DjangoBase64.decode(text, 0, 4, 2));
    }

    private static Object outcome(java.util.function.Supplier<byte[]> decode) {
        try {
            return java.util.HexFormat.of().formatHex(decode.get());
        } catch (IllegalArgumentException e) {
            return "error: " + e.getMessage();
        }
    }
}
