package dev.satchel.cache.internal;

import java.nio.charset.StandardCharsets;

/** The rules memcached (and therefore Django's cache layer) sets for keys, applied to every store. */
public final class CacheKeys {
    /** memcached's longest key, in bytes. */
    public static final int MAX_KEY_BYTES = 250;

    private CacheKeys() {}

    /**
     * Whether memcached accepts {@code key}: at most 250 bytes of UTF-8, and no space, control
     * character or DEL (Django's {@code memcache_key_warnings} rule, counted in bytes).
     */
    public static boolean isValid(String key) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return false;
            }
            if (Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c)
                            && i + 1 < key.length()
                            && Character.isLowSurrogate(key.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(key.charAt(i - 1)))) {
                return false; // an unpaired surrogate has no UTF-8 form
            }
        }
        return key.length() <= MAX_KEY_BYTES && key.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES;
    }
}
