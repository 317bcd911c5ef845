package dev.satchel.bench;

import dev.satchel.codec.JsonSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The three standard session payloads (copied unchanged from the shared payload set). */
public enum Payload {
    SMALL("small.json"),
    MEDIUM("medium.json"),
    LARGE("large.json");

    private final String file;
    private final byte[] bytes;

    Payload(String file) {
        this.file = file;
        try (InputStream in = Payload.class.getResourceAsStream("/payloads/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing payload resource /payloads/" + file);
            }
            this.bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resource file name. */
    public String file() {
        return file;
    }

    /** The JSON document's size in bytes. */
    public int size() {
        return bytes.length;
    }

    /** A fresh, mutable copy of the session data, in the file's key order. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> data() {
        return new LinkedHashMap<>((Map<String, Object>) JsonSerializer.create().deserialize(bytes.clone()));
    }
}
