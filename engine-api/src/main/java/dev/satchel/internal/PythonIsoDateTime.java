package dev.satchel.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Python's {@code datetime.isoformat()} and {@code datetime.fromisoformat()} (3.11) for the expiry
 * instants Django 4+ keeps in {@code _session_expiry}. Writing gives exactly what {@code isoformat()}
 * gives for an aware UTC datetime; reading accepts this grammar, which covers every string {@code
 * isoformat()} writes and the ISO forms Python 3.11 reads:
 *
 * <pre>
 * date [sep time [offset]]
 * date   = YYYY-MM-DD | YYYYMMDD                   (year 1 to 9999, a real calendar day)
 * sep    = any one character                       (Django writes T)
 * time   = HH[:MM[:SS[frac]]] | HH[MM[SS[frac]]]
 * frac   = ('.' | ',') digits                      (beyond six digits truncated)
 * offset = 'Z' | ('+' | '-') time                  (less than 24 hours)
 * </pre>
 *
 * A time without an offset is taken as UTC. Anything else, including Python's quirks (week dates, a
 * decimal point without digits, text between the time and its offset), is not read: {@link
 * #parse} returns {@code null} in one pass over the text, never an exception.
 *
 * <p><b>Internal:</b> public only so that Satchel's own packages can share it.
 */
public final class PythonIsoDateTime {
    private static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final long DAY_MICROS = 86_400_000_000L;

    private PythonIsoDateTime() {}

    /**
     * Python's {@code isoformat()} of {@code instant} as an aware UTC datetime, truncated to the
     * microsecond: {@code 2023-11-14T22:13:20.250000+00:00}, without a fraction when it is zero.
     *
     * @throws IllegalArgumentException outside years 1 to 9999, which Python's datetime cannot hold
     */
    public static String format(Instant instant) {
        if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
            throw new IllegalArgumentException(
                    "an expiry instant must lie in years 1 to 9999, as Python's datetime requires: " + instant);
        }
        OffsetDateTime t = instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(32);
        pad(sb, t.getYear(), 4).append('-');
        pad(sb, t.getMonthValue(), 2).append('-');
        pad(sb, t.getDayOfMonth(), 2).append('T');
        pad(sb, t.getHour(), 2).append(':');
        pad(sb, t.getMinute(), 2).append(':');
        pad(sb, t.getSecond(), 2);
        int micros = t.getNano() / 1000;
        if (micros != 0) {
            pad(sb.append('.'), micros, 6);
        }
        return sb.append("+00:00").toString();
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String digits = Integer.toString(value);
        sb.append("0".repeat(Math.max(0, width - digits.length())));
        return sb.append(digits);
    }

    /** The instant {@code text} names, or {@code null} when it is not in the grammar above. */
    public static Instant parse(String text) {
        if (text == null || text.length() < 8) {
            return null;
        }
        int year = digits(text, 0, 4);
        boolean extended = text.charAt(4) == '-';
        int i = extended ? 5 : 4;
        int month = digits(text, i, 2);
        i += 2;
        if (extended) {
            if (i >= text.length() || text.charAt(i) != '-') {
                return null;
            }
            i++;
        }
        int day = digits(text, i, 2);
        i += 2;
        if (year < 1 || month < 0 || day < 0) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            return null;
        }
        long micros = date.toEpochDay() * DAY_MICROS;
        if (i == text.length()) {
            return toInstant(micros);
        }
        i += Character.charCount(text.codePointAt(i)); // the separator
        int offsetAt = i;
        while (offsetAt < text.length() && "Z+-".indexOf(text.charAt(offsetAt)) < 0) {
            offsetAt++;
        }
        long time = clock(text, i, offsetAt);
        if (time < 0) {
            return null;
        }
        micros += time;
        if (offsetAt == text.length()) {
            return toInstant(micros);
        }
        char sign = text.charAt(offsetAt);
        if (sign == 'Z') {
            return offsetAt == text.length() - 1 ? toInstant(micros) : null;
        }
        long offset = clock(text, offsetAt + 1, text.length());
        if (offset < 0 || offset >= DAY_MICROS) {
            return null;
        }
        return toInstant(sign == '+' ? micros - offset : micros + offset);
    }

    /** Microseconds since midnight of the time in {@code text[from, to)}, or -1. */
    private static long clock(String text, int from, int to) {
        int[] fields = new int[3];
        int i = from;
        fields[0] = i + 2 <= to ? digits(text, i, 2) : -1;
        if (fields[0] < 0) {
            return -1;
        }
        i += 2;
        boolean colons = i < to && text.charAt(i) == ':';
        int count = 1;
        while (count < 3 && i < to) {
            if (colons) {
                if (text.charAt(i) != ':') {
                    break;
                }
                i++;
            }
            int value = i + 2 <= to ? digits(text, i, 2) : -1;
            if (value < 0) {
                return -1;
            }
            fields[count++] = value;
            i += 2;
        }
        if (fields[0] > 23 || fields[1] > 59 || fields[2] > 59) {
            return -1;
        }
        long micros = ((fields[0] * 60L + fields[1]) * 60L + fields[2]) * 1_000_000L;
        if (i == to) {
            return micros;
        }
        if (count < 3 || (text.charAt(i) != '.' && text.charAt(i) != ',') || ++i == to) {
            return -1; // only seconds take a fraction, and it has at least one digit
        }
        int fraction = 0;
        int scale = 0;
        for (; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (scale < 6) {
                fraction = fraction * 10 + (c - '0');
                scale++;
            }
        }
        for (; scale < 6; scale++) {
            fraction *= 10;
        }
        return micros + fraction;
    }

    private static Instant toInstant(long epochMicros) {
        return Instant.ofEpochSecond(
                Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000L);
    }

    /** The ASCII decimal number in {@code text[at, at + width)}, or -1. */
    private static int digits(String text, int at, int width) {
        if (at + width > text.length()) {
            return -1;
        }
        int value = 0;
        for (int k = at; k < at + width; k++) {
            char c = text.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
