package dev.satchel.cache.internal;

import java.io.ByteArrayOutputStream;

/**
 * UTF-8 with Python's {@code surrogatepass} error handler, the encoding pickle uses for {@code str}:
 * a lone surrogate is written and read as its three-byte form, as Python does; everything else is
 * strict UTF-8 (no overlong forms, nothing beyond U+10FFFF).
 */
final class Utf8SurrogatePass {
    private Utf8SurrogatePass() {}

    /** Encodes {@code s}; a valid surrogate pair becomes one four-byte code point. */
    static byte[] encode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint(c, s.charAt(++i));
            }
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xc0 | cp >> 6);
                out.write(0x80 | cp & 0x3f);
            } else if (cp < 0x10000) {
                out.write(0xe0 | cp >> 12);
                out.write(0x80 | cp >> 6 & 0x3f);
                out.write(0x80 | cp & 0x3f);
            } else {
                out.write(0xf0 | cp >> 18);
                out.write(0x80 | cp >> 12 & 0x3f);
                out.write(0x80 | cp >> 6 & 0x3f);
                out.write(0x80 | cp & 0x3f);
            }
        }
        return out.toByteArray();
    }

    /** Decodes {@code length} bytes from {@code offset}, or {@code null} if they are not valid. */
    static String decode(byte[] in, int offset, int length) {
        StringBuilder sb = new StringBuilder(length);
        int i = offset;
        int end = offset + length;
        while (i < end) {
            int b = in[i] & 0xff;
            if (b < 0x80) {
                sb.append((char) b);
                i++;
                continue;
            }
            int n;
            int cp;
            int min;
            if (b >= 0xc2 && b <= 0xdf) {
                n = 1;
                cp = b & 0x1f;
                min = 0x80;
            } else if (b >= 0xe0 && b <= 0xef) {
                n = 2;
                cp = b & 0x0f;
                min = 0x800;
            } else if (b >= 0xf0 && b <= 0xf4) {
                n = 3;
                cp = b & 0x07;
                min = 0x10000;
            } else {
                return null;
            }
            if (i + n >= end) {
                return null;
            }
            for (int k = 1; k <= n; k++) {
                int c = in[i + k] & 0xff;
                if ((c & 0xc0) != 0x80) {
                    return null;
                }
                cp = cp << 6 | c & 0x3f;
            }
            if (cp < min || cp > Character.MAX_CODE_POINT) {
                return null;
            }
            sb.appendCodePoint(cp);
            i += n + 1;
        }
        return sb.toString();
    }
}
