package dev.satchel.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a {@code double} exactly as Python's {@code repr(float)} does, which is also what
 * {@code json.dumps} writes for finite floats. Python picks the shortest decimal that reads back as
 * the same double (and, among those, the one closest to it), then writes it in fixed notation when the
 * decimal exponent is in {@code -4 <= exp < 16} and in exponent form ({@code 1e+16}, {@code 1e-05})
 * otherwise. Java's {@code Double.toString} is not always shortest before JDK 19 and uses another
 * layout, so it cannot be used directly.
 *
 * <p><b>Internal:</b> this class is public only so that Satchel's own packages can share it. It is
 * not part of the supported API and may change without notice.
 */
public final class PythonFloatFormat {
    private static final double TWO_53 = 9007199254740992.0;
    private static final BigDecimal HALF = new BigDecimal("0.5");
    private static final MathContext[] CONTEXTS = new MathContext[18];

    static {
        for (int p = 1; p < CONTEXTS.length; p++) {
            CONTEXTS[p] = new MathContext(p, RoundingMode.HALF_EVEN);
        }
    }

    private PythonFloatFormat() {}

    /**
     * Python's {@code repr(value)}: for example {@code 0.1}, {@code 1.0}, {@code -0.0}, {@code 1e+16},
     * {@code 1e-05}, {@code 5e-324}; non-finite values give {@code nan}, {@code inf} and {@code -inf}.
     */
    public static String repr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        StringBuilder sb = new StringBuilder(24);
        appendFinite(sb, value);
        return sb.toString();
    }

    /**
     * Appends Python's {@code repr} of a finite value to {@code sb}.
     *
     * @throws IllegalArgumentException if the value is NaN or infinite (JSON writes those as tokens)
     */
    public static void appendFinite(StringBuilder sb, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite value: " + value);
        }
        if (Double.doubleToRawLongBits(value) < 0) {
            sb.append('-');
            value = -value;
        }
        if (value == 0.0) {
            sb.append("0.0");
            return;
        }
        Shortest s = shortest(value);
        layout(sb, s.digits, s.decimalPoint);
    }

    /** Shortest digits (no leading or trailing zeros) and the position of the decimal point. */
    private record Shortest(String digits, int decimalPoint) {}

    /** The shortest round-tripping digits of a positive finite value, as Python's dtoa mode 0. */
    private static Shortest shortest(double v) {
        // Integers below 2^53 are exact and any shorter candidate differs by at least one unit, which
        // is more than the half-unit rounding interval: the digits are the integer's own.
        if (v < TWO_53 && v == Math.rint(v)) {
            long n = (long) v;
            int zeros = 0;
            while (n % 10 == 0) {
                n /= 10;
                zeros++;
            }
            String digits = Long.toString(n);
            return new Shortest(digits, digits.length() + zeros);
        }
        boolean normal = v >= Double.MIN_NORMAL;
        if (normal) {
            // A decimal of at most 15 significant digits survives the round trip through a normal double
            // (DBL_DIG), so at most one such decimal maps to this value. If Java's output has no more
            // digits and reads back as the value, it is that decimal, hence the shortest one.
            String java = Double.toString(v);
            Shortest candidate = parseJava(java);
            if (candidate.digits.length() <= 15 && Double.parseDouble(java) == v) {
                return candidate;
            }
        }
        return exactShortest(v, normal);
    }

    /** Exact search with decimal arithmetic on the rounding interval of {@code v}. */
    private static Shortest exactShortest(double v, boolean normal) {
        BigDecimal exact = new BigDecimal(v);
        // The values that read back as v lie between the midpoints to its neighbours; a midpoint itself
        // reads back as v only when v's significand is even (round half to even).
        BigDecimal upperGap = new BigDecimal(Math.ulp(v));
        BigDecimal lowerGap = new BigDecimal(v - Math.nextDown(v));
        Interval interval = new Interval(
                exact.subtract(lowerGap.multiply(HALF)),
                exact.add(upperGap.multiply(HALF)),
                (Double.doubleToRawLongBits(v) & 1L) == 0);
        if (normal) {
            // At most one decimal of <= 15 digits is in the interval, and if there is one it is the
            // value rounded to 15 digits.
            BigDecimal r15 = exact.round(CONTEXTS[15]);
            if (interval.contains(r15)) {
                return toShortest(r15);
            }
            for (int p = 16; p <= 17; p++) {
                BigDecimal found = closestWithDigits(exact, p, interval);
                if (found != null) {
                    return toShortest(found);
                }
            }
        } else {
            for (int p = 1; p <= 17; p++) {
                BigDecimal found = closestWithDigits(exact, p, interval);
                if (found != null) {
                    return toShortest(found);
                }
            }
        }
        // 17 significant digits always identify a double; not reached.
        throw new AssertionError("no round-tripping decimal for " + v);
    }

    /**
     * The decimal with {@code p} significant digits closest to {@code exact} that lies in the interval
     * (ties go to the even last digit, as Python does), or {@code null} when none does. Only the two
     * neighbours of {@code exact} at that precision can qualify.
     */
    private static BigDecimal closestWithDigits(BigDecimal exact, int p, Interval interval) {
        BigDecimal nearest = exact.round(CONTEXTS[p]);
        if (interval.contains(nearest)) {
            return nearest;
        }
        int cmp = nearest.compareTo(exact);
        BigDecimal other;
        if (cmp < 0) {
            other = nearest.add(nearest.ulp());
        } else {
            BigDecimal step = nearest.ulp();
            if (isPowerOfTen(nearest.unscaledValue())) {
                // Below a power of ten the digits get one place finer (1000 -> 999.9 at 4 digits).
                step = step.movePointLeft(1);
            }
            other = nearest.subtract(step);
        }
        return interval.contains(other) ? other : null;
    }

    private static boolean isPowerOfTen(BigInteger n) {
        BigDecimal d = new BigDecimal(n).stripTrailingZeros();
        return d.unscaledValue().equals(BigInteger.ONE);
    }

    private static Shortest toShortest(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        String digits = s.unscaledValue().toString();
        return new Shortest(digits, digits.length() - s.scale());
    }

    /** Reads Java's {@code Double.toString} layout ({@code 123.45} or {@code 1.2345E-7}) of a positive value. */
    private static Shortest parseJava(String s) {
        int e = s.indexOf('E');
        String mantissa = e < 0 ? s : s.substring(0, e);
        int exponent = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String all = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int point = dot + exponent;
        int start = 0;
        while (start < all.length() - 1 && all.charAt(start) == '0') {
            start++;
            point--;
        }
        int end = all.length();
        while (end > start + 1 && all.charAt(end - 1) == '0') {
            end--;
        }
        return new Shortest(all.substring(start, end), point);
    }

    /**
     * Python's layout ({@code format_float_short} with repr's rules): the value is
     * {@code 0.DIGITS * 10^point}; exponent form when {@code point <= -4 || point > 16}.
     */
    private static void layout(StringBuilder sb, String digits, int point) {
        int n = digits.length();
        if (point > -4 && point <= 16) {
            if (point <= 0) {
                sb.append("0.");
                for (int i = point; i < 0; i++) {
                    sb.append('0');
                }
                sb.append(digits);
            } else if (point >= n) {
                sb.append(digits);
                for (int i = n; i < point; i++) {
                    sb.append('0');
                }
                sb.append(".0");
            } else {
                sb.append(digits, 0, point).append('.').append(digits, point, n);
            }
            return;
        }
        sb.append(digits.charAt(0));
        if (n > 1) {
            sb.append('.').append(digits, 1, n);
        }
        int exp = point - 1;
        sb.append('e').append(exp < 0 ? '-' : '+');
        int abs = Math.abs(exp);
        if (abs < 10) {
            sb.append('0');
        }
        sb.append(abs);
    }

    /** The decimals that read back as one double. */
    private record Interval(BigDecimal low, BigDecimal high, boolean inclusive) {
        boolean contains(BigDecimal d) {
            int lo = d.compareTo(low);
            int hi = d.compareTo(high);
            if (inclusive) {
                return lo >= 0 && hi <= 0;
            }
            return lo > 0 && hi < 0;
        }
    }
}
