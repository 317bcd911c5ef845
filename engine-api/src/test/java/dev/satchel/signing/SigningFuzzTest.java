package dev.satchel.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.BadSignatureException;
import dev.satchel.MalformedPayloadException;
import dev.satchel.SignatureExpiredException;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.internal.DjangoBase64;
import dev.satchel.internal.StrictUtf8;
import dev.satchel.internal.ZlibCodec;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link Signer} and {@link TimestampSigner} on any text: {@code unsign} and {@code loads} (
 * {@link TimestampSigner#unsignObject}) return a value or throw {@link BadSignatureException} (or
 * its subclasses), never anything else. A validly signed value with any payload and any timestamp is
 * read or refused as {@link MalformedPayloadException} (or expired), never as a wrong signature.
 * Signing then verifying is the identity. The keys are those of the Django vectors, so the committed
 * inputs ({@code signing.json}: a flags byte, then {@code input}) verify where Django's did.
 */
class SigningFuzzTest {
    static final String KEY = "pub-Kq7#v9!z-session-vectors-primary-key-2f81c0d4e5";
    static final String OLD_KEY = "pub-rotated-old-key-6a1b93e0";
    /** The vectors' frozen clock. */
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L, 250_000_000), ZoneOffset.UTC);

    private static final JsonSerializer JSON = JsonSerializer.create();
    private static final Signer SIGNER = Signer.builder().secretKey(KEY).build();
    private static final Signer ROTATED = Signer.builder()
            .secretKey(KEY)
            .fallbackKeys(List.of(OLD_KEY))
            .separator("/")
            .acceptLegacySha1(true)
            .build();
    /** {@code signing.dumps} and {@code loads} use this salt by default. */
    private static final String DUMPS_SALT = "django.core.signing";

    private static final TimestampSigner LOADS = TimestampSigner.builder()
            .secretKey(KEY)
            .salt(DUMPS_SALT)
            .clock(CLOCK)
            .build();
    private static final TimestampSigner LOADS_SMALL = TimestampSigner.builder()
            .secretKey(KEY)
            .fallbackKeys(List.of(OLD_KEY))
            .salt(DUMPS_SALT)
            .clock(CLOCK)
            .acceptLegacySha1(true)
            .maxPayloadBytes(64)
            .build();
    /** Signs {@code value:timestamp} with any timestamp text: what only the key holder can do. */
    private static final Signer LOADS_RAW =
            Signer.builder().secretKey(KEY).salt(DUMPS_SALT).build();

    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /**
     * Input: one flags byte (bits 0-1: how the bytes become text, bit 2: the second set of signers,
     * bits 3-4: the maximum age), then the signed text.
     */
    @FuzzTest
    void unsignAndLoads_anyText_giveAValueOrBadSignature(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        String text = data.restAsText(flags);
        boolean second = (flags & 4) != 0;
        Duration[] ages = {null, Duration.ZERO, Duration.ofDays(14), Duration.ofSeconds(Long.MAX_VALUE)};
        Duration maxAge = ages[flags >> 3 & 3];

        Signer signer = second ? ROTATED : SIGNER;
        try {
            String value = signer.unsign(text);
            if (!second) {
                // One key, one algorithm: only the signature sign() makes verifies.
                assertEquals(text, signer.sign(value));
            }
        } catch (BadSignatureException expected) {
            // refused
        }
        TimestampSigner loads = second ? LOADS_SMALL : LOADS;
        try {
            loads.unsign(text, maxAge);
        } catch (BadSignatureException expected) {
            // refused
        }
        try {
            loads.unsignObject(text, JSON, maxAge);
        } catch (BadSignatureException expected) {
            // refused
        }
        try {
            SignedObject signed = loads.unsignObjectWithTimestamp(text, JSON, maxAge);
            assertEquals(signed.value(), loads.unsignObject(text, JSON, maxAge));
        } catch (BadSignatureException expected) {
            // refused
        }
    }

    /**
     * Input: one flags byte (bits 0-1: the payload's form, bit 2: a timestamp from the input, bits
     * 3-4: the maximum age, bit 5: the small signer), then the payload. The payload is signed with
     * the right key, so every failure must name the payload or the age, never the signature.
     */
    @FuzzTest
    void loads_validlySignedAnyPayload_givesAValueOrMalformed(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        String timestamp = (flags & 4) != 0 ? data.nextString(16) : null;
        byte[] payload = data.rest();
        String field;
        switch (flags & 3) {
            case 0 -> field = FuzzData.text(payload, 2); // the base64 field itself, any text
            case 1 -> field = DjangoBase64.encode(payload); // any bytes as the JSON
            case 2 -> field = "." + DjangoBase64.encode(payload); // any bytes as the zlib data
            default -> field = "." + DjangoBase64.encode(ZlibCodec.compress(payload)); // any bytes inflated
        }
        if (!StrictUtf8.isEncodable(field) || (timestamp != null && !StrictUtf8.isEncodable(timestamp))) {
            return; // cannot be signed: there is no UTF-8 to sign, in Django either
        }
        TimestampSigner loads = (flags & 0x20) != 0 ? LOADS_SMALL : LOADS;
        String signed = timestamp == null ? loads.sign(field) : LOADS_RAW.sign(field + ":" + timestamp);
        Duration[] ages = {null, Duration.ZERO, Duration.ofDays(14), Duration.ofSeconds(Long.MAX_VALUE)};
        Duration maxAge = ages[flags >> 3 & 3];
        try {
            loads.unsignObjectWithTimestamp(signed, JSON, maxAge);
        } catch (MalformedPayloadException | SignatureExpiredException expected) {
            // refused for what it holds or its age
        }
    }

    /** Input: a JSON value built from the bytes; flags choose compression. */
    @FuzzTest
    void dumpsThenLoads_isTheIdentity(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        Object value = data.jsonValue(6);
        String signed = LOADS.signObject(value, JSON, (flags & 1) != 0);
        SignedObject back = LOADS.unsignObjectWithTimestamp(signed, JSON, Duration.ofDays(14));
        assertEquals(FuzzData.canonical(value), back.value());
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), back.signedAt());

        String text = FuzzData.text(data.nextBytes(200), flags >> 1);
        if (StrictUtf8.isEncodable(text)) {
            assertEquals(text, SIGNER.unsign(SIGNER.sign(text)));
            assertEquals(text, ROTATED.unsign(ROTATED.sign(text)));
            assertEquals(text, LOADS.unsign(LOADS.sign(text), Duration.ofSeconds(1)));
        } else {
            assertThrows(IllegalArgumentException.class, () -> SIGNER.sign(text));
        }
    }
}
