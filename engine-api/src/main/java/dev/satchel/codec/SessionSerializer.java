package dev.satchel.codec;

import dev.satchel.MalformedPayloadException;

/**
 * Turns a session value into bytes and back. Satchel ships {@link JsonSerializer}, which writes the
 * very bytes Django's {@code JSONSerializer} writes; no Java native serialization is ever used.
 */
public interface SessionSerializer {

    /** The name used in settings ({@code satchel.serializer}), for example {@code json}. */
    String name();

    /**
     * Serializes a value of the JSON data model.
     *
     * @throws IllegalArgumentException if the value holds anything outside that model
     */
    byte[] serialize(Object value);

    /**
     * Reads bytes written by {@link #serialize} (or by Django).
     *
     * @throws MalformedPayloadException if the bytes are not a value this serializer accepts
     */
    Object deserialize(byte[] bytes);
}
