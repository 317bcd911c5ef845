package dev.satchel.db.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.db.internal.Dialect.SqliteTimestamps;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;

/**
 * The SQLite {@code expire_date} text ({@link SqliteTimestamps}): {@code parse} reads any text to an
 * instant or refuses it with {@link IllegalArgumentException} (which the engine turns into "no
 * stored expiry"), and its fast path for Django's exact form agrees with the general {@code
 * java.time} parser. {@code format} writes Django's exact form, which parses back to the instant
 * (to the microsecond), and, since SQLite compares these texts in {@code expire_date < ?}, text order
 * never contradicts time order, for every instant the engine can bind (now plus or minus the
 * largest expiry age, 10^12 s). Committed inputs: a flags byte, then the {@code expire_date} texts
 * of Django's SQLite database ({@code django_session.sqlite3}) and their ISO variants.
 */
class SqliteTimestampsFuzzTest {
    /** SessionExpiry's bound on any expiry age. */
    private static final long LIMIT_SECONDS = 1_000_000_000_000L;

    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /** Input: one flags byte (bits 0-1: how the bytes become text), then the text. */
    @FuzzTest
    void parse_anyText_givesAnInstantOrIllegalArgument(byte[] input) {
        FuzzData data = new FuzzData(input);
        String text = data.restAsText(data.nextByte());
        Instant parsed;
        try {
            parsed = SqliteTimestamps.parse(text);
        } catch (IllegalArgumentException refused) {
            assertEquals(null, SqliteTimestamps.parseExact(text), "the fast path read what parse refused");
            return;
        }
        assertNotNull(parsed);
        Instant exact = SqliteTimestamps.parseExact(text);
        if (exact != null) {
            assertEquals(SqliteTimestamps.parseAny(text), exact, "the fast path and java.time disagree");
        }
        Instant back = SqliteTimestamps.parse(SqliteTimestamps.format(parsed));
        if (parsed.getEpochSecond() >= FIRST && parsed.getEpochSecond() <= LAST) {
            assertEquals(parsed.truncatedTo(ChronoUnit.MICROS), back, "format then parse changed it");
        }
    }

    /** Input: two instants (16 bytes each: seconds from now, nanoseconds), the "now" from the first. */
    @FuzzTest
    void format_writesDjangosTextInTimeOrder(byte[] input) {
        FuzzData data = new FuzzData(input);
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        Instant a = instant(data, now);
        Instant b = instant(data, now);
        String textA = SqliteTimestamps.format(a);
        String textB = SqliteTimestamps.format(b);
        for (String text : new String[] {textA, textB}) {
            assertTrue(
                    text.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?"),
                    "not Django's form: " + text);
            assertNotNull(SqliteTimestamps.parseExact(text), text);
        }
        for (Instant i : new Instant[] {a, b}) {
            if (i.getEpochSecond() >= FIRST && i.getEpochSecond() <= LAST) {
                assertEquals(i.truncatedTo(ChronoUnit.MICROS), SqliteTimestamps.parse(SqliteTimestamps.format(i)));
            }
        }
        int byTime = a.truncatedTo(ChronoUnit.MICROS).compareTo(b.truncatedTo(ChronoUnit.MICROS));
        int byText = textA.compareTo(textB);
        assertTrue(
                byTime == 0 ? byText == 0 : Integer.signum(byText) == Integer.signum(byTime) || byText == 0,
                "SQLite would order " + textA + " and " + textB + " against their instants " + a + ", " + b);
    }

    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the datetimes Python (and Django) have. */
    private static final long FIRST = -62_135_596_800L;

    private static final long LAST = 253_402_300_799L;

    private static Instant instant(FuzzData data, Instant now) {
        long offset = Math.floorMod(data.nextLong(), 2 * LIMIT_SECONDS + 1) - LIMIT_SECONDS;
        if ((data.nextByte() & 1) == 0) {
            offset = offset % 100_000_000L; // mostly within a few years
        }
        return now.plusSeconds(offset).plusNanos(data.nextInt(1 << 16) * 15_259L);
    }
}
