package dev.satchel.cache.internal;

import dev.satchel.MalformedPayloadException;
import dev.satchel.SessionTooLargeException;
import dev.satchel.codec.DecodedSession;
import dev.satchel.codec.SessionCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code django-pickle} value format: the session dict pickled as Django's cache backends store
 * it, unsigned (as in Django). The encoded form an engine passes around is the pickle's bytes as a
 * Latin-1 string, one char per byte, which the stores write back as the same bytes. Decoding reads
 * only plain data ({@link PickleReader}); it records no signing time, so expiry is the store's time
 * to live, as in Django.
 */
public final class DjangoPickleCodec implements SessionCodec {
    private final int protocol;
    private final int maxPayloadBytes;

    /**
     * @param protocol the pickle protocol written (4 or 5); any of 0 to 5 is read
     * @param maxPayloadBytes the largest pickle written or read
     */
    public DjangoPickleCodec(int protocol, int maxPayloadBytes) {
        this.protocol = protocol;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** @throws SessionTooLargeException if the pickle is over the payload limit (nothing is stored) */
    @Override
    public String encode(Map<String, Object> data) {
        byte[] pickle = PickleWriter.write(data, protocol);
        if (pickle.length > maxPayloadBytes) {
            throw new SessionTooLargeException("the pickled session is " + pickle.length + " bytes, over the "
                    + maxPayloadBytes + " bytes read back (satchel.max-payload-bytes); nothing was stored: keep"
                    + " less data in the session");
        }
        return new String(pickle, StandardCharsets.ISO_8859_1);
    }

    @Override
    public DecodedSession decode(String encoded) {
        return new DecodedSession(PickleReader.readDict(bytes(encoded), maxPayloadBytes), null);
    }

    /** The bytes a Latin-1 string of this format stands for. */
    static byte[] bytes(String encoded) {
        for (int i = 0; i < encoded.length(); i++) {
            if (encoded.charAt(i) > 0xff) {
                throw new MalformedPayloadException("not a pickle: a char above U+00FF");
            }
        }
        return encoded.getBytes(StandardCharsets.ISO_8859_1);
    }
}
