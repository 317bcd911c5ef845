package dev.satchel.db.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.satchel.db.internal.Dialect.SqliteTimestamps;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Django's SQLite text for {@code expire_date}: written as {@code str(datetime)} and read back exactly. */
class SqliteTimestampsTest {
    @Test
    void roundTripsRandomInstantsAndAgreesWithJavaTime() {
        Random random = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            long seconds = random.nextLong(-62_135_596_800L, 253_402_300_799L); // years 1..9999
            long micros = i % 3 == 0 ? 0 : random.nextInt(1_000_000);
            Instant instant = Instant.ofEpochSecond(seconds, micros * 1000);
            String text = SqliteTimestamps.format(instant);
            Instant viaJavaTime = LocalDateTime.parse(text.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
            assertEquals(viaJavaTime, SqliteTimestamps.parse(text), text);
            assertEquals(instant, SqliteTimestamps.parse(text), text);
        }
    }

    @Test
    void readsOtherWritersForms() {
        Instant expected = Instant.parse("2026-11-22T10:15:30.250Z");
        assertEquals(expected, SqliteTimestamps.parse("2026-11-22T10:15:30.25"));
        assertEquals(expected, SqliteTimestamps.parse(" 2026-11-22 10:15:30.250000 "));
        assertEquals(expected, SqliteTimestamps.parse("2026-11-22 12:15:30.25+02:00"));
        assertEquals(Instant.parse("2024-02-29T23:59:59Z"), SqliteTimestamps.parse("2024-02-29 23:59:59"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2023-02-29 00:00:00",
                "2026-13-01 00:00:00",
                "2026-04-31 00:00:00",
                "2026-11-22 24:00:00",
                "2026-11-22 10:60:00",
                "2026-11-22 10:15:3x",
                "2026-11-22 10:15:30.12345x",
                "yesterday"
            })
    void refusesImpossibleTimes(String text) {
        assertThrows(IllegalArgumentException.class, () -> SqliteTimestamps.parse(text));
    }
}
