package dev.satchel.internal;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 encoding that refuses unpaired surrogates, as Python's {@code str.encode('utf-8')} does,
 * instead of silently replacing them with {@code '?'} like {@link String#getBytes}. Signing must
 * not treat two different strings as the same bytes.
 *
 * <p><b>Internal:</b> this class is public only so that Satchel's own packages can share it. It is
 * not part of the supported API and may change without notice.
 */
public final class StrictUtf8 {
    private StrictUtf8() {}

    /**
     * The UTF-8 bytes of {@code text}.
     *
     * @throws IllegalArgumentException if the text holds an unpaired surrogate
     */
    public static byte[] encode(String text) {
        int index = firstUnpairedSurrogate(text);
        if (index >= 0) {
            throw new IllegalArgumentException("unpaired surrogate at index " + index);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@link #encode} would accept the text. */
    public static boolean isEncodable(String text) {
        return firstUnpairedSurrogate(text) < 0;
    }

    private static int firstUnpairedSurrogate(String text) {
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }
}
