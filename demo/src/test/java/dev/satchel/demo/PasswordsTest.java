package dev.satchel.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PasswordsTest {
    @Test
    void pbkdf2_matchesTheRfc7914Vector() {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1 (first 32 bytes).
        assertEquals(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc",
                HexFormat.of().formatHex(Passwords.pbkdf2("passwd", "salt", 1)));
    }

    @Test
    void encode_isDjangosFormat_withUtf8Passwords() {
        // Django: PBKDF2PasswordHasher().encode("lètmein", "seasalt", iterations=100000), i.e.
        // base64(pbkdf2_hmac("sha256", password.encode(), salt.encode(), 100000)).
        String django = "pbkdf2_sha256$100000$seasalt$BNZ6eyaNc8qFTJPjrAq99hSYb73EgAdytAtdBg2Sdcc=";
        assertEquals(django, Passwords.encode("lètmein", "seasalt", 100_000));
        Passwords passwords = new Passwords(100_000);
        assertTrue(passwords.verify("lètmein", django));
        assertFalse(passwords.verify("letmein", django));
    }

    @Test
    void hash_usesAFreshSaltEachTime_andVerifies() {
        Passwords passwords = new Passwords(Passwords.MIN_ITERATIONS);
        String a = passwords.hash("correct horse");
        String b = passwords.hash("correct horse");
        assertNotEquals(a, b);
        assertTrue(a.matches("pbkdf2_sha256\\$100000\\$[A-Za-z0-9]{22}\\$[A-Za-z0-9+/]{43}="), a);
        assertTrue(passwords.verify("correct horse", a));
        assertTrue(passwords.verify("correct horse", b));
        assertFalse(passwords.verify("correct horse!", a));
    }

    @Test
    void malformedHashes_neverMatch() {
        Passwords passwords = new Passwords(Passwords.MIN_ITERATIONS);
        String good = Passwords.encode("pw", "salt", 1000);
        assertTrue(passwords.verify("pw", good));
        for (String bad : new String[] {
            null,
            "",
            "pbkdf2_sha256",
            good.replace("pbkdf2_sha256", "pbkdf2_sha1"),
            good.replace("$1000$", "$x$"),
            good.replace("$1000$", "$0$"),
            good.replace("$1000$", "$999999999$"),
            good + "$extra",
            "md5$salt$0123456789abcdef0123456789abcdef",
        }) {
            assertFalse(passwords.verify("pw", bad), String.valueOf(bad));
        }
        assertFalse(passwords.verify("", good));
        assertFalse(passwords.verify(null, good));
    }

    @Test
    void tooFewIterations_areRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Passwords(99_999));
    }
}
