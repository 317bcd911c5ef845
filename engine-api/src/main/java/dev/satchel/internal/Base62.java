package dev.satchel.internal;

/**
 * Base62 as Django writes timestamps in signed values: alphabet {@code 0-9A-Za-z}, most significant
 * digit first, a leading {@code '-'} for negative numbers.
 *
 * <p><b>Internal:</b> this class is public only so that Satchel's own packages can share it. It is
 * not part of the supported API and may change without notice.
 */
public final class Base62 {
    /** The 62 digits, in value order. */
    public static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private static final int RADIX = 62;
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < RADIX; i++) {
            VALUES[ALPHABET.charAt(i)] = (byte) i;
        }
    }

    private Base62() {}

    /**
     * Encodes a number the way Django's {@code b62_encode} (3.2: {@code baseconv.base62.encode})
     * does: {@code 0 -> "0"}, {@code 61 -> "z"}, {@code 62 -> "10"}, {@code -5 -> "-5"}.
     */
    public static String encode(long number) {
        if (number == 0) {
            return "0";
        }
        // Work on the magnitude as an unsigned value so that Long.MIN_VALUE needs no special case.
        long magnitude = number < 0 ? -number : number;
        char[] buf = new char[12];
        int pos = buf.length;
        while (magnitude != 0) {
            buf[--pos] = ALPHABET.charAt((int) Long.remainderUnsigned(magnitude, RADIX));
            magnitude = Long.divideUnsigned(magnitude, RADIX);
        }
        if (number < 0) {
            buf[--pos] = '-';
        }
        return new String(buf, pos, buf.length - pos);
    }

    /**
     * Decodes base62 text as Django does: an optional leading {@code '-'}, then digits of the
     * alphabet only (a lone {@code "-"} is 0, as in Django). Unlike Python, the result must fit in a
     * {@code long}.
     *
     * @throws IllegalArgumentException for empty text, a character outside the alphabet, or a value
     *     outside the range of {@code long}
     */
    public static long decode(CharSequence text) {
        int length = text.length();
        if (length == 0) {
            throw new IllegalArgumentException("empty base62 number");
        }
        boolean negative = text.charAt(0) == '-';
        long value = 0;
        for (int i = negative ? 1 : 0; i < length; i++) {
            char c = text.charAt(i);
            int digit = c < 128 ? VALUES[c] : -1;
            if (digit < 0) {
                throw new IllegalArgumentException("invalid base62 digit at position " + i);
            }
            try {
                value = Math.addExact(Math.multiplyExact(value, RADIX), digit);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("base62 number out of range");
            }
        }
        return negative ? -value : value;
    }
}
