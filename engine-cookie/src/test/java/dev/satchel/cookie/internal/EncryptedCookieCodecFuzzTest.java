package dev.satchel.cookie.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.BadSignatureException;
import dev.satchel.MalformedPayloadException;
import dev.satchel.codec.DecodedSession;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.internal.DjangoBase64;
import dev.satchel.internal.ZlibCodec;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.junit.jupiter.api.BeforeAll;

/**
 * The encrypted cookie codec on any text: {@code decode} gives session data or throws {@link
 * BadSignatureException} or a subclass, and whatever it decodes has the shape {@link CookieStore}
 * lets through; any plaintext (flags, issue time, payload) sealed with the right key and cookie name
 * is read or refused with such an exception, the same plaintext sealed for another cookie name is
 * refused before it is opened; encode then decode is the identity for every cookie that fits.
 * Committed inputs: a flags byte, then values this codec wrote (the format is Satchel's own, so there
 * are no Django vectors for it) and the JSON of the Django session payloads as plaintext.
 */
class EncryptedCookieCodecFuzzTest {
    private static final String COOKIE = "sessionid";
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L, 250_000_000), ZoneOffset.UTC);
    private static final Duration AGE = Duration.ofDays(14);
    private static final CookieKey CURRENT = CookieKey.derive("cookie-fuzz-current-secret", "secret");
    private static final CookieKey OLD = CookieKey.derive("cookie-fuzz-old-secret", "fallback");
    private static final JsonSerializer JSON =
            JsonSerializer.builder().rejectDuplicateKeys(true).build();
    private static final EncryptedCookieCodec CODEC =
            new EncryptedCookieCodec("encrypted_cookies", List.of(CURRENT, OLD), COOKIE, JSON, AGE, CLOCK, 1 << 20);
    private static final EncryptedCookieCodec SMALL =
            new EncryptedCookieCodec("encrypted_cookies", List.of(CURRENT), COOKIE, JSON, AGE, CLOCK, 200);
    private static final CookieStore SHAPE = new CookieStore(CookieStore.Format.ENCRYPTED, null, CLOCK);

    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /** Input: one flags byte (bits 0-1: how the bytes become text, bit 2: the small codec), then the cookie. */
    @FuzzTest
    void decode_anyText_givesSessionDataOrBadSignature(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        String text = data.restAsText(flags);
        EncryptedCookieCodec codec = (flags & 4) != 0 ? SMALL : CODEC;
        try {
            DecodedSession decoded = codec.decode(text);
            assertTrue(SHAPE.accepts(text), "decoded a value the engine would not even look at");
            assertTrue(decoded.data() != null);
        } catch (BadSignatureException refused) {
            // refused
        }
    }

    /**
     * Input: one flags byte (bit 0: the fallback key, bit 1: sealed for another cookie name, bit 2:
     * the small codec, bit 3: the issue time set to now, bit 4: the payload zlib-compressed and
     * flagged), then the plaintext: a flags byte, the issue time (8 bytes) and the payload.
     */
    @FuzzTest
    void decode_sealedAnyPlaintext_givesSessionDataOrBadSignature(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        byte[] plain = data.rest();
        if ((flags & 0x18) != 0) {
            byte[] payload = plain.length > 9 ? java.util.Arrays.copyOfRange(plain, 9, plain.length) : new byte[0];
            if ((flags & 0x10) != 0) {
                payload = ZlibCodec.compress(payload);
            }
            long issuedAt =
                    (flags & 8) != 0 ? CLOCK.instant().getEpochSecond() : plain.length >= 9 ? issuedAt(plain) : 0;
            byte[] built = new byte[9 + payload.length];
            built[0] = (byte) ((flags & 0x10) != 0 ? 1 : plain.length > 0 ? plain[0] : 0);
            for (int i = 0; i < 8; i++) {
                built[1 + i] = (byte) (issuedAt >>> (56 - 8 * i));
            }
            System.arraycopy(payload, 0, built, 9, payload.length);
            plain = built;
        }
        CookieKey key = (flags & 1) != 0 ? OLD : CURRENT;
        boolean otherCookie = (flags & 2) != 0;
        String sealed = seal(key, otherCookie ? "csrftoken" : COOKIE, plain);
        EncryptedCookieCodec codec = (flags & 4) != 0 ? SMALL : CODEC;
        boolean tooLong = sealed.length() > CookieStore.MAX_VALUE_CHARS;
        try {
            codec.decode(sealed);
            assertFalse(tooLong, "decoded a cookie over the browser limit");
            assertFalse(otherCookie, "opened a value sealed for another cookie");
            assertFalse(codec == SMALL && key == OLD, "opened a value sealed with a key the codec does not have");
        } catch (BadSignatureException refused) {
            if (otherCookie && !tooLong && refused instanceof MalformedPayloadException) {
                fail("a value sealed for another cookie was opened before it was refused: " + refused.getMessage());
            }
        }
    }

    /** Any session data: a cookie that fits decodes to the data; a longer one is refused unread. */
    @FuzzTest
    void encodeThenDecode_isTheIdentity(byte[] input) {
        FuzzData data = new FuzzData(input);
        Map<String, Object> session = new LinkedHashMap<>();
        while (data.more() && session.size() < 8) {
            session.put(data.nextString(24), data.jsonValue(4));
        }
        String encoded = CODEC.encode(session);
        if (encoded.length() > CookieStore.MAX_VALUE_CHARS) {
            assertThrows(MalformedPayloadException.class, () -> CODEC.decode(encoded));
            return;
        }
        assertTrue(SHAPE.accepts(encoded));
        DecodedSession back = CODEC.decode(encoded);
        assertEquals(FuzzData.canonical(session), back.data());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), back.signedAt());
    }

    private static long issuedAt(byte[] plain) {
        long v = 0;
        for (int i = 1; i <= 8; i++) {
            v = v << 8 | (plain[i] & 0xff);
        }
        return v;
    }

    /**
     * {@code v1.<key id>.<base64url(nonce | AES-256-GCM(plain) | tag)>} with the cookie name and the
     * header as associated data, as the codec's Javadoc describes the format (a fixed nonce: a test).
     */
    static String seal(CookieKey key, String cookieName, byte[] plain) {
        String header = EncryptedCookieCodec.VERSION + "." + key.id() + ".";
        byte[] nonce = new byte[12];
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(128, nonce));
            cipher.updateAAD((cookieName + '\0' + header).getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(plain);
            byte[] blob = new byte[nonce.length + sealed.length];
            System.arraycopy(sealed, 0, blob, nonce.length, sealed.length);
            return header + DjangoBase64.encode(blob);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
