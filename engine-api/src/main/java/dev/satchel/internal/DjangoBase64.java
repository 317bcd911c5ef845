package dev.satchel.internal;

import java.util.Arrays;
import java.util.Base64;

/**
 * The base64 flavour of {@code django.core.signing}: URL-safe alphabet without padding when
 * encoding, and, when decoding, the exact behaviour of Django's {@code b64_decode}, which is
 * {@code base64.urlsafe_b64decode(s + b'=' * (-len(s) % 4))} on Python's non-validating decoder.
 *
 * <p>That decoder is lenient in ways a value's signature already vouches for, and Satchel must
 * give the same answer as Django for every validly signed value: bytes outside the alphabet are
 * skipped (yet counted when Django computes the padding), both the URL-safe ({@code - _}) and the
 * standard ({@code + /}) alphabet are accepted, an {@code '='} that completes a group ends the
 * input, and a final group of one character or an incomplete group without padding is an error.
 *
 * <p><b>Internal:</b> this class is public only so that Satchel's own packages can share it. It is
 * not part of the supported API and may change without notice.
 */
public final class DjangoBase64 {
    private static final Base64.Encoder URL_NO_PAD = Base64.getUrlEncoder().withoutPadding();
    private static final byte[] VALUES = new byte[256];

    static {
        Arrays.fill(VALUES, (byte) -1);
        String standard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; i++) {
            VALUES[standard.charAt(i)] = (byte) i;
        }
        // urlsafe_b64decode translates '-' to '+' and '_' to '/' before decoding.
        VALUES['-'] = 62;
        VALUES['_'] = 63;
    }

    private DjangoBase64() {}

    /** URL-safe base64 without {@code '='} padding, as Django's {@code b64_encode} writes it. */
    public static String encode(byte[] data) {
        return URL_NO_PAD.encodeToString(data);
    }

    /** URL-safe base64 without padding, as ASCII bytes (no intermediate string). */
    public static byte[] encodeToBytes(byte[] data) {
        return URL_NO_PAD.encode(data);
    }

    /**
     * Decodes {@code text[from, to)} exactly as Django's {@code b64_decode} would decode those
     * bytes.
     *
     * @param maxBytes the largest result accepted; a longer result fails before it is produced
     * @throws IllegalArgumentException when Python would raise {@code binascii.Error}, or when the
     *     result would be longer than {@code maxBytes}
     */
    public static byte[] decode(byte[] text, int from, int to, int maxBytes) {
        byte[] clean = decodeClean(text, from, to, maxBytes);
        return clean != null ? clean : decodeLenient(text, from, to, maxBytes);
    }

    /**
     * The common case, fast: only alphabet characters, no padding, a valid length. Returns {@code
     * null} on anything else, which the lenient decoder then handles exactly as Python does.
     */
    private static byte[] decodeClean(byte[] text, int from, int to, int maxBytes) {
        int length = to - from;
        int tail = length & 3;
        if (tail == 1) {
            return null;
        }
        long size = (long) length / 4 * 3 + (tail == 0 ? 0 : tail - 1);
        if (size > maxBytes) {
            return null;
        }
        byte[] out = new byte[(int) size];
        int in = from;
        int o = 0;
        for (int end = to - tail; in < end; in += 4) {
            int v = VALUES[text[in] & 0xFF] << 18
                    | VALUES[text[in + 1] & 0xFF] << 12
                    | VALUES[text[in + 2] & 0xFF] << 6
                    | VALUES[text[in + 3] & 0xFF];
            if (v < 0) {
                return null; // a byte outside the alphabet (every VALUES miss is -1, all bits set)
            }
            out[o++] = (byte) (v >> 16);
            out[o++] = (byte) (v >> 8);
            out[o++] = (byte) v;
        }
        if (tail != 0) {
            int a = VALUES[text[in] & 0xFF];
            int b = VALUES[text[in + 1] & 0xFF];
            int c = tail == 3 ? VALUES[text[in + 2] & 0xFF] : 0;
            if ((a | b | c) < 0) {
                return null;
            }
            int v = a << 18 | b << 12 | c << 6;
            out[o++] = (byte) (v >> 16);
            if (tail == 3) {
                out[o] = (byte) (v >> 8);
            }
        }
        return out;
    }

    /** Python's lenient decoding, step by step; package-private so tests can compare the paths. */
    static byte[] decodeLenient(byte[] text, int from, int to, int maxBytes) {
        int length = to - from;
        // Django pads the text it was given (junk included) to a multiple of four.
        int padding = Math.floorMod(-length, 4);
        // The result never exceeds three bytes per four data characters.
        long bound = ((long) length + padding) / 4 * 3;
        byte[] out = new byte[(int) Math.min(bound, (long) maxBytes + 1)];
        int outPos = 0;
        int quadPos = 0;
        int pads = 0;
        int leftChar = 0;
        int total = length + padding;
        for (int i = 0; i < total; i++) {
            int c = i < length ? text[from + i] & 0xFF : '=';
            if (c == '=') {
                if (quadPos >= 2 && quadPos + ++pads >= 4) {
                    // A complete pad sequence ends the input; the rest is ignored.
                    return finish(out, outPos);
                }
                continue;
            }
            int v = VALUES[c];
            if (v < 0) {
                continue; // not in the alphabet: silently skipped, as Python does
            }
            pads = 0;
            switch (quadPos) {
                case 0 -> {
                    quadPos = 1;
                    leftChar = v;
                }
                case 1 -> {
                    quadPos = 2;
                    outPos = put(out, outPos, (leftChar << 2) | (v >> 4), maxBytes);
                    leftChar = v & 0x0F;
                }
                case 2 -> {
                    quadPos = 3;
                    outPos = put(out, outPos, (leftChar << 4) | (v >> 2), maxBytes);
                    leftChar = v & 0x03;
                }
                default -> {
                    quadPos = 0;
                    outPos = put(out, outPos, (leftChar << 6) | v, maxBytes);
                    leftChar = 0;
                }
            }
        }
        if (quadPos == 1) {
            long dataChars = (long) outPos / 3 * 4 + 1;
            throw new IllegalArgumentException("Invalid base64-encoded string: number of data characters (" + dataChars
                    + ") cannot be 1 more than a multiple of 4");
        }
        if (quadPos != 0) {
            throw new IllegalArgumentException("Incorrect padding");
        }
        return finish(out, outPos);
    }

    private static int put(byte[] out, int pos, int value, int maxBytes) {
        if (pos >= maxBytes) {
            throw new IllegalArgumentException("decoded data larger than " + maxBytes + " bytes");
        }
        out[pos] = (byte) value;
        return pos + 1;
    }

    private static byte[] finish(byte[] out, int length) {
        return length == out.length ? out : Arrays.copyOf(out, length);
    }
}
