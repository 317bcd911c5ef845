package dev.satchel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@code _session_expiry} reader ({@link PythonIsoDateTime}), which reads text from session data:
 * any text gives an instant or {@code null}, never an exception; where {@code java.time} reads the
 * text as an ISO offset date-time of Python's range the two agree (to the microsecond Python keeps);
 * writing then reading is the identity for every instant of years 1 to 9999, and writing refuses
 * the rest with {@link IllegalArgumentException}. Committed inputs: a flags byte, then the expiry
 * strings of the Django vectors.
 */
class PythonIsoDateTimeFuzzTest {
    private static final long FIRST = -62_135_596_800L; // 0001-01-01T00:00:00Z
    private static final long LAST = 253_402_300_799L; // 9999-12-31T23:59:59Z

    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /** Input: one flags byte (bits 0-1: how the bytes become text), then the text. */
    @FuzzTest
    void parse_anyText_givesAnInstantOrNull(byte[] input) {
        FuzzData data = new FuzzData(input);
        String text = data.restAsText(data.nextByte());
        Instant parsed = PythonIsoDateTime.parse(text);
        OffsetDateTime reference;
        try {
            reference = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            return;
        }
        if (reference.getYear() < 1 || reference.getYear() > 9999 || text.charAt(10) != 'T' || text.contains("z")) {
            return; // java.time also reads years Python has not, and a lower-case 't' or 'z'
        }
        assertNotNull(parsed, "java.time reads it, Python's reader does not: " + text);
        assertEquals(reference.toInstant().truncatedTo(ChronoUnit.MICROS), parsed, text);
    }

    /** Input: an instant (8 bytes of seconds, 4 of nanoseconds). */
    @FuzzTest
    void formatThenParse_isTheIdentityInPythonsYears(byte[] input) {
        FuzzData data = new FuzzData(input);
        long seconds = data.nextLong();
        if ((data.nextByte() & 1) == 0) {
            seconds = Math.floorMod(seconds, LAST - FIRST + 1) + FIRST;
        } else {
            seconds = Math.floorMod(seconds, 2 * (LAST - FIRST)) + FIRST - (LAST - FIRST) / 2;
        }
        Instant instant = Instant.ofEpochSecond(seconds, Math.floorMod(data.nextLong(), 1_000_000_000L));
        if (seconds < FIRST || seconds > LAST) {
            assertThrows(IllegalArgumentException.class, () -> PythonIsoDateTime.format(instant));
            return;
        }
        String text = PythonIsoDateTime.format(instant);
        assertEquals(instant.truncatedTo(ChronoUnit.MICROS), PythonIsoDateTime.parse(text), text);
        assertEquals(
                instant.truncatedTo(ChronoUnit.MICROS),
                OffsetDateTime.parse(text).toInstant(),
                text);
    }
}
