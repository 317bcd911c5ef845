package dev.satchel.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.BadSignatureException;
import dev.satchel.SignatureExpiredException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dumps/loads facade, round-tripped against real time (SPEC B.3.7 pins exact bytes elsewhere). */
class SigningTest {

    @Test
    void dumpsThenLoads_roundTrips() {
        String signed = Signing.dumps(Map.of("a", 1L), "k", null, false);
        assertTrue(signed.startsWith("eyJhIjoxfQ:"), signed);
        assertEquals(Map.of("a", 1L), Signing.loads(signed, "k", List.of(), null, null));
        assertEquals(Map.of("a", 1L), Signing.loads(signed, "k", List.of(), "", Duration.ofMinutes(1)));
    }

    @Test
    void compression_isUsedOnlyWhenItHelps() {
        assertTrue(Signing.dumps(List.of("x".repeat(200)), "k", "s", true).startsWith("."));
        assertTrue(Signing.dumps("hi", "k", "s", true).startsWith("Imhp"));
    }

    @Test
    void loads_checksKeySaltFallbacksAndAge() {
        String signed = Signing.dumps("v", "old", "salt", false);
        assertThrows(BadSignatureException.class, () -> Signing.loads(signed, "new", List.of(), "salt", null));
        assertEquals("v", Signing.loads(signed, "new", List.of("old"), "salt", null));
        assertThrows(BadSignatureException.class, () -> Signing.loads(signed, "old", List.of(), "other", null));
        assertThrows(
                SignatureExpiredException.class,
                () -> Signing.loads(signed, "old", List.of(), "salt", Duration.ofSeconds(-5)));
    }
}
