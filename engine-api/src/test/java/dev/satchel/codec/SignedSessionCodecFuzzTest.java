package dev.satchel.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.BadSignatureException;
import dev.satchel.MalformedPayloadException;
import dev.satchel.SignatureExpiredException;
import dev.satchel.internal.DjangoBase64;
import dev.satchel.internal.StrictUtf8;
import dev.satchel.internal.ZlibCodec;
import dev.satchel.signing.SaltedHmac;
import dev.satchel.signing.SigningAlgorithm;
import dev.satchel.signing.TimestampSigner;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * Django's session encoding ({@link SignedSessionCodec}) on any text: {@code decode} gives session
 * data (a map) or throws {@link BadSignatureException} or a subclass, the only failures its
 * contract names, with or without the Django 3.2 formats; a validly signed value (current or pre-3.1
 * format) with any payload is read or refused as malformed or expired, never as a wrong signature;
 * encode then decode is the identity. Keys, salt and clock are those of the Django vectors, so the
 * committed inputs ({@code sessions.json}: a flags byte, then {@code encoded} or a {@code decode}
 * input) verify where Django's did.
 */
class SignedSessionCodecFuzzTest {
    static final String KEY = "pub-Kq7#v9!z-session-vectors-primary-key-2f81c0d4e5";
    static final String OLD_KEY = "pub-rotated-old-key-6a1b93e0";
    static final String SALT = "django.contrib.sessions.SessionStore";
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L, 250_000_000), ZoneOffset.UTC);

    private static final SignedSessionCodec CODEC = codec(false, null);
    private static final SignedSessionCodec DJANGO32 = codec(true, Duration.ofDays(14));
    private static final TimestampSigner SIGNER =
            TimestampSigner.builder().secretKey(KEY).salt(SALT).clock(CLOCK).build();
    /** The pre-3.1 format's HMAC: salt {@code django.contrib.sessions} + class name, no dot. */
    private static final SaltedHmac LEGACY =
            SaltedHmac.of("django.contrib.sessionsSessionStore", KEY, SigningAlgorithm.SHA1);

    private static SignedSessionCodec codec(boolean django32, Duration maxAge) {
        return SignedSessionCodec.builder()
                .secretKey(KEY)
                .fallbackKeys(List.of(OLD_KEY))
                .salt(SALT)
                .clock(CLOCK)
                .maxAge(maxAge)
                .acceptDjango32Formats(django32)
                .build();
    }

    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /** Input: one flags byte (bits 0-1: how the bytes become text, bit 2: Django 3.2 formats too). */
    @FuzzTest
    void decode_anyText_givesSessionDataOrBadSignature(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        String text = data.restAsText(flags);
        SignedSessionCodec codec = (flags & 4) != 0 ? DJANGO32 : CODEC;
        DecodedSession decoded;
        try {
            decoded = codec.decode(text);
        } catch (BadSignatureException refused) {
            return;
        }
        assertNotNull(decoded.data());
        // What was read encodes and reads back the same.
        assertEquals(decoded.data(), codec.decode(codec.encode(decoded.data())).data());
    }

    /**
     * Input: one flags byte (bits 0-1: the payload's form; bit 2: the pre-3.1 format; bit 3: Django
     * 3.2 formats read), then the payload, which is signed with the right key.
     */
    @FuzzTest
    void decode_validlySignedAnyPayload_givesSessionDataOrMalformed(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        byte[] payload = data.rest();
        String encoded;
        SignedSessionCodec codec = (flags & 8) != 0 ? DJANGO32 : CODEC;
        if ((flags & 4) != 0) {
            // base64(hex(HMAC-SHA1(json)) + ":" + json), readable only with the Django 3.2 formats.
            byte[] hash = HexFormat.of().formatHex(LEGACY.digest(payload)).getBytes(StandardCharsets.US_ASCII);
            byte[] raw = new byte[hash.length + 1 + payload.length];
            System.arraycopy(hash, 0, raw, 0, hash.length);
            raw[hash.length] = ':';
            System.arraycopy(payload, 0, raw, hash.length + 1, payload.length);
            encoded = Base64.getEncoder().encodeToString(raw);
            codec = DJANGO32;
        } else {
            String field =
                    switch (flags & 3) {
                        case 0 -> FuzzData.text(payload, 2);
                        case 1 -> DjangoBase64.encode(payload);
                        case 2 -> "." + DjangoBase64.encode(payload);
                        default -> "." + DjangoBase64.encode(ZlibCodec.compress(payload));
                    };
            if (!StrictUtf8.isEncodable(field)) {
                return;
            }
            encoded = SIGNER.sign(field);
        }
        try {
            assertNotNull(codec.decode(encoded).data());
        } catch (MalformedPayloadException | SignatureExpiredException refused) {
            // refused for what it holds
        }
    }

    /** Any session data encodes to a value that decodes to that data, signed at the clock's second. */
    @FuzzTest
    void encodeThenDecode_isTheIdentity(byte[] input) {
        FuzzData data = new FuzzData(input);
        Map<String, Object> session = new LinkedHashMap<>();
        while (data.more() && session.size() < 8) {
            session.put(data.nextString(24), data.jsonValue(5));
        }
        for (SignedSessionCodec codec : new SignedSessionCodec[] {CODEC, DJANGO32}) {
            DecodedSession back = codec.decode(codec.encode(session));
            assertEquals(FuzzData.canonical(session), back.data());
            assertEquals(Instant.ofEpochSecond(1_700_000_000L), back.signedAt());
        }
    }
}
