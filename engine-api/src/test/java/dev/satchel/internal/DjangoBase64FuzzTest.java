package dev.satchel.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;

/**
 * Django's base64 decoder on any bytes: it returns at most {@code maxBytes} bytes or throws {@link
 * IllegalArgumentException} (Python's {@code binascii.Error}), and its fast path for clean input
 * gives exactly what the step-by-step Python decoder gives, errors included. Committed inputs: a
 * flags byte, then the base64 field of values Django signed ({@code signing.json}, the {@code
 * crafted-*} cases among them).
 */
class DjangoBase64FuzzTest {
    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /** Input: one flags byte (bits 0-1 choose the limit, bits 2-3 a window), then the text. */
    @FuzzTest
    void decode_isPythonsDecoderAndNeverFailsOtherwise(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        byte[] text = data.rest();
        int[] limits = {1 << 20, 0, 3, text.length / 2};
        int max = limits[flags & 3];
        int from = (flags & 4) != 0 && text.length > 0 ? 1 : 0;
        int to = (flags & 8) != 0 && text.length > from ? text.length - 1 : text.length;

        Object fast = outcome(() -> DjangoBase64.decode(text, from, to, max));
        Object lenient = outcome(() -> DjangoBase64.decodeLenient(text, from, to, max));
        assertEquals(lenient, fast, "the fast path and Python's decoder disagree");
        if (fast instanceof Bytes bytes) {
            assertTrue(bytes.value.length <= max, "decoded more than the limit");
            // A limit the result fits in changes nothing.
            Object unlimited = outcome(() -> DjangoBase64.decode(text, from, to, 1 << 20));
            assertEquals(fast, unlimited, "the limit changed a result that fits it");
        }
    }

    /** Encoding is what Django's {@code b64_encode} writes, and decoding it gives the bytes back. */
    @FuzzTest
    void encodeThenDecode_isTheIdentity(byte[] input) {
        String text = DjangoBase64.encode(input);
        assertEquals(Base64.getUrlEncoder().withoutPadding().encodeToString(input), text);
        byte[] ascii = DjangoBase64.encodeToBytes(input);
        assertArrayEquals(input, DjangoBase64.decode(ascii, 0, ascii.length, input.length));
        assertArrayEquals(input, DjangoBase64.decodeLenient(ascii, 0, ascii.length, input.length));
    }

    /** A decoder's result or the exception class and message, comparable with {@code equals}. */
    private static Object outcome(java.util.function.Supplier<byte[]> decoder) {
        try {
            return new Bytes(decoder.get());
        } catch (IllegalArgumentException e) {
            return "IllegalArgumentException: " + e.getMessage();
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
            return Arrays.toString(value);
        }
    }
}
