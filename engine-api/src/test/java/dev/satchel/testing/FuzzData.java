package dev.satchel.testing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads structured values out of a fuzzer's raw bytes, front to back: every read takes what it needs
 * and gives zeros once the bytes run out, so any input (the empty one too) is a valid program. Fuzz
 * targets take {@code byte[]} so that their committed inputs are plain files (a flags byte, then the
 * Django bytes); this class turns the bytes into the strings and JSON values a target needs.
 */
public final class FuzzData {
    private final byte[] data;
    private int pos;

    public FuzzData(byte[] data) {
        this.data = data;
    }

    /** Whether unread bytes remain. */
    public boolean more() {
        return pos < data.length;
    }

    /** The next byte, 0 to 255 (0 once the bytes run out). */
    public int nextByte() {
        return pos < data.length ? data[pos++] & 0xff : 0;
    }

    /** A number from 0 to {@code bound - 1}, from one byte (two when the bound is over 256). */
    public int nextInt(int bound) {
        int raw = bound > 256 ? nextByte() << 8 | nextByte() : nextByte();
        return raw % bound;
    }

    /** Eight bytes, big-endian. */
    public long nextLong() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | nextByte();
        }
        return v;
    }

    /** A length byte, then up to that many bytes (fewer when the input ends). */
    public byte[] nextBytes(int max) {
        int n = Math.min(nextInt(Math.min(max, 255) + 1), data.length - pos);
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    /** Everything not read yet. */
    public byte[] rest() {
        byte[] out = Arrays.copyOfRange(data, pos, data.length);
        pos = data.length;
        return out;
    }

    /**
     * A short string: a kind byte chooses ASCII, Latin-1, UTF-8 (malformed bytes replaced) or raw
     * UTF-16 units (lone surrogates included), then a length byte and the bytes.
     */
    public String nextString(int maxBytes) {
        int kind = nextByte() & 3;
        return text(nextBytes(maxBytes), kind);
    }

    /** The rest of the input as text of the given kind (see {@link #text}). */
    public String restAsText(int kind) {
        return text(rest(), kind);
    }

    /**
     * Bytes as text: 0 is ASCII (the top bit dropped), 1 Latin-1 (one char per byte, as servlet
     * containers read headers), 2 UTF-8 with malformed input replaced, 3 UTF-16BE units as they are
     * (any char, lone surrogates included).
     */
    public static String text(byte[] bytes, int kind) {
        switch (kind & 3) {
            case 0:
                byte[] ascii = bytes.clone();
                for (int i = 0; i < ascii.length; i++) {
                    ascii[i] &= 0x7f;
                }
                return new String(ascii, StandardCharsets.US_ASCII);
            case 1:
                return new String(bytes, StandardCharsets.ISO_8859_1);
            case 2:
                return new String(bytes, StandardCharsets.UTF_8);
            default:
                char[] chars = new char[bytes.length / 2];
                for (int i = 0; i < chars.length; i++) {
                    chars[i] = (char) ((bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff);
                }
                return new String(chars);
        }
    }

    /**
     * A value of the session JSON model: maps with String keys, lists, strings, every integer and
     * float type the model allows (the extremes, NaN and the infinities among them), booleans and
     * {@code null}; at most {@code maxDepth} levels of lists and maps.
     */
    public Object jsonValue(int maxDepth) {
        int kind = nextByte();
        if (kind < 0x30 && maxDepth > 0) {
            int n = nextInt(6);
            if ((kind & 1) == 0) {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    map.put(nextString(24), jsonValue(maxDepth - 1));
                }
                return map;
            }
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                list.add(jsonValue(maxDepth - 1));
            }
            return list;
        }
        switch (kind % 12) {
            case 0:
                return null;
            case 1:
                return (kind & 0x10) != 0;
            case 2:
                return nextLong();
            case 3:
                return (int) nextLong();
            case 4:
                return (short) nextByte();
            case 5:
                BigInteger big = new BigInteger(1, nextBytes(24)).shiftLeft(nextInt(3));
                return (kind & 0x20) != 0 ? big.negate() : big;
            case 6:
                return Double.longBitsToDouble(nextLong());
            case 7:
                return Float.intBitsToFloat((int) nextLong());
            case 8:
                double[] special = {
                    Double.NaN,
                    Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY,
                    -0.0,
                    0.0,
                    Double.MIN_VALUE,
                    Double.MAX_VALUE,
                    1e16,
                    1e-7,
                    0.1
                };
                return special[nextInt(special.length)];
            case 9:
                long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1L << 53, (1L << 53) + 1};
                return edges[nextInt(edges.length)];
            case 10:
                return (byte) nextByte();
            default:
                return nextString(64);
        }
    }

    /**
     * The form in which a decoder returns {@code value}: integers as {@code Long} ({@code BigInteger}
     * only beyond its range), floats as {@code Double}, maps and lists copied.
     */
    public static Object canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, canonical(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(canonical(v)));
            return out;
        }
        return dev.satchel.internal.JsonModel.canonicalScalar(value);
    }
}
