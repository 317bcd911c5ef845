package dev.satchel.codec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.satchel.MalformedPayloadException;
import dev.satchel.internal.JsonModel;
import dev.satchel.internal.PythonFloatFormat;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Django's {@code JSONSerializer}, byte for byte: writes what Python's
 * {@code json.dumps(obj, separators=(',', ':'))} writes (ASCII only, lower-case {@code \}{@code uXXXX}
 * escapes, insertion order, Python's float {@code repr}, {@code NaN}/{@code Infinity} tokens) and
 * reads bytes as Django does, decoding them as latin-1 before parsing. Built on Jackson's streaming
 * API with limits on nesting, integer digits and string length, so hostile input fails fast with a
 * {@link MalformedPayloadException}. Instances are immutable and safe to share between threads.
 */
public final class JsonSerializer implements SessionSerializer {
    /** Default nesting limit for lists and maps, close to Python's recursion limit. */
    public static final int DEFAULT_MAX_DEPTH = 1000;

    /** Default limit on the digits of an integer literal: Python 3.11's {@code int_max_str_digits}. */
    public static final int DEFAULT_MAX_NUMBER_LENGTH = 4300;

    /** Default limit on the length of one string (value or key), in chars: 1 MiB. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 1 << 20;

    private static final JsonSerializer DEFAULT = new JsonSerializer(Builder.DEFAULTS);

    private static final int MAX_MESSAGE_CHARS = 300;

    private final JsonFactory factory;
    private final int maxDepth;
    private final int maxNumberLength;
    private final int maxStringLength;
    private final boolean rejectDuplicateKeys;

    private JsonSerializer(Builder b) {
        this.rejectDuplicateKeys = b.rejectDuplicateKeys;
        this.maxDepth = b.maxDepth;
        this.maxNumberLength = b.maxNumberLength;
        this.maxStringLength = b.maxStringLength;
        this.factory = new JsonFactoryBuilder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
                .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                // Keys are never interned. They are canonicalized (a bounded table per factory, with
                // Jackson's hash-flood check), which is also what gives byte input Jackson's fast
                // UTF-8 parser; session payloads are verified before they are parsed.
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .enable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .characterEscapes(PythonEscapes.INSTANCE)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        // Jackson's limit covers float literals too, which Python reads at any length;
                        // integer digits are checked below, against maxNumberLength.
                        .maxNumberLength(Math.max(maxNumberLength, maxStringLength))
                        .maxStringLength(maxStringLength)
                        .maxNameLength(maxStringLength)
                        .build())
                .streamWriteConstraints(StreamWriteConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .build())
                .build();
    }

    /** The serializer with the default limits; one shared instance. */
    public static JsonSerializer create() {
        return DEFAULT;
    }

    /** A builder starting from the default limits. */
    public static Builder builder() {
        return Builder.DEFAULTS;
    }

    /** Returns {@code "json"}, the name used in settings. */
    @Override
    public String name() {
        return "json";
    }

    /**
     * Writes {@code value} exactly as Django's {@code JSONSerializer.dumps} would (pure ASCII).
     *
     * @throws IllegalArgumentException if the value holds anything outside the JSON data model (the
     *     message names the path, for example {@code cart[2].price}) or nests deeper than the limit
     */
    @Override
    public byte[] serialize(Object value) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            JsonModel.walk(value, maxDepth, 0, "", new Writer(g));
        } catch (IOException e) {
            // Only reachable through a bug: the output is in memory and the depth is checked first.
            throw new UncheckedIOException("cannot write JSON", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads bytes as Django does ({@code json.loads(bytes.decode('latin-1'))}). Objects become
     * {@link LinkedHashMap} (a repeated key keeps its first position and its last value), arrays
     * {@link ArrayList}, integers {@code Long} or, beyond the long range, {@code BigInteger}, other
     * numbers {@code Double} (including {@code NaN} and the infinities).
     *
     * @throws MalformedPayloadException if the bytes are not one JSON value, or exceed the limits
     */
    @Override
    public Object deserialize(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        // Pure ASCII (all Satchel and Django ever write) reads the same as latin-1 and UTF-8, so
        // Jackson's byte parser can take it directly; anything else goes through the latin-1 reader.
        return parse(bytes, isAsciiWithoutNul(bytes));
    }

    /**
     * What {@link #deserialize} gives when it takes the general path (the latin-1 reader) whatever the
     * bytes; package-private so that tests can check that both paths agree on ASCII input.
     */
    Object deserializeThroughReader(byte[] bytes) {
        return parse(Objects.requireNonNull(bytes, "bytes"), false);
    }

    private Object parse(byte[] bytes, boolean ascii) {
        if (bytes.length == 0) {
            throw new MalformedPayloadException("invalid JSON: empty input");
        }
        try (JsonParser p = ascii ? factory.createParser(bytes) : factory.createParser(new Latin1Reader(bytes))) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new MalformedPayloadException("invalid JSON: no value, only whitespace");
            }
            Object result = read(p, first);
            if (p.nextToken() != null) {
                throw new MalformedPayloadException(
                        "invalid JSON: extra data after the value" + where(p.currentTokenLocation()));
            }
            return result;
        } catch (StreamConstraintsException e) {
            throw new MalformedPayloadException(
                    "JSON beyond the decoder's limits: " + brief(e.getOriginalMessage()), e);
        } catch (JsonProcessingException e) {
            throw new MalformedPayloadException(
                    "invalid JSON: " + brief(e.getOriginalMessage()) + where(e.getLocation()), e);
        } catch (IOException e) {
            throw new MalformedPayloadException("cannot read JSON: " + brief(e.getMessage()), e);
        } catch (IllegalStateException e) {
            // Jackson's symbol table refuses names built to collide (a hash-flooding attempt).
            throw new MalformedPayloadException("JSON beyond the decoder's limits: " + brief(e.getMessage()), e);
        }
    }

    /** Builds the value starting at {@code token} without recursion. */
    @SuppressWarnings("unchecked")
    private Object read(JsonParser p, JsonToken token) throws IOException {
        Object[] open = new Object[8];
        String[] names = new String[8];
        int depth = 0;
        for (JsonToken t = token; ; t = p.nextToken()) {
            if (t == null) {
                throw new MalformedPayloadException("invalid JSON: unexpected end of input");
            }
            Object value;
            switch (t) {
                case FIELD_NAME:
                    String name = p.currentName();
                    checkStringLength(name);
                    names[depth - 1] = name;
                    continue;
                case START_OBJECT:
                case START_ARRAY:
                    if (depth >= maxDepth) {
                        throw new MalformedPayloadException(
                                "JSON beyond the decoder's limits: nested deeper than " + maxDepth + " levels");
                    }
                    value = t == JsonToken.START_OBJECT ? new LinkedHashMap<String, Object>() : new ArrayList<>();
                    break;
                case END_OBJECT:
                case END_ARRAY:
                    if (depth == 0) {
                        throw new MalformedPayloadException(
                                "invalid JSON: unexpected " + t + where(p.currentLocation()));
                    }
                    Object done = open[--depth];
                    open[depth] = null;
                    names[depth] = null;
                    if (depth == 0) {
                        return done;
                    }
                    continue;
                case VALUE_STRING:
                    String s = p.getText();
                    checkStringLength(s);
                    value = s;
                    break;
                case VALUE_NUMBER_INT:
                    value = readInteger(p);
                    break;
                case VALUE_NUMBER_FLOAT:
                    value = readFloat(p.getText());
                    break;
                case VALUE_TRUE:
                    value = Boolean.TRUE;
                    break;
                case VALUE_FALSE:
                    value = Boolean.FALSE;
                    break;
                case VALUE_NULL:
                    value = null;
                    break;
                default:
                    throw new MalformedPayloadException("invalid JSON: unexpected " + t + where(p.currentLocation()));
            }
            if (depth > 0) {
                Object parent = open[depth - 1];
                if (parent instanceof Map<?, ?> map) {
                    // Python dict semantics: a repeated key keeps its position and takes the new value.
                    if (rejectDuplicateKeys && map.containsKey(names[depth - 1])) {
                        throw new MalformedPayloadException("invalid JSON: an object repeats a key");
                    }
                    ((Map<String, Object>) map).put(names[depth - 1], value);
                } else {
                    ((List<Object>) parent).add(value);
                }
            }
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                if (depth == open.length) {
                    open = java.util.Arrays.copyOf(open, depth * 2);
                    names = java.util.Arrays.copyOf(names, depth * 2);
                }
                open[depth++] = value;
            } else if (depth == 0) {
                return value;
            }
        }
    }

    private Object readInteger(JsonParser p) throws IOException {
        int length = p.getTextLength();
        if (length <= 18 && length <= maxNumberLength) {
            // Eighteen characters always fit a long, and are within the digit limit.
            return Long.valueOf(p.getLongValue());
        }
        char[] text = p.getTextCharacters();
        int digits = text[p.getTextOffset()] == '-' ? length - 1 : length;
        if (digits > maxNumberLength) {
            // Python 3.11 refuses to convert longer integer strings (int_max_str_digits).
            throw new MalformedPayloadException("JSON beyond the decoder's limits: an integer of " + digits
                    + " digits (the limit is " + maxNumberLength + ")");
        }
        JsonParser.NumberType type = p.getNumberType();
        if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG) {
            return Long.valueOf(p.getLongValue());
        }
        BigInteger big = p.getBigIntegerValue();
        return big.bitLength() < 64 ? (Object) Long.valueOf(big.longValue()) : big;
    }

    private static Double readFloat(String text) {
        char c = text.charAt(0);
        if (c == 'N' || c == 'I' || c == '+' || (c == '-' && text.length() > 1 && !isDigit(text.charAt(1)))) {
            // Jackson also knows +Infinity, +INF and -INF; Python accepts only these three.
            switch (text) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    throw new MalformedPayloadException("invalid JSON: unknown token " + brief(text));
            }
        }
        return Double.parseDouble(text);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void checkStringLength(String s) {
        if (s.length() > maxStringLength) {
            throw new MalformedPayloadException("JSON beyond the decoder's limits: a string of " + s.length()
                    + " chars (the limit is " + maxStringLength + ")");
        }
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** A message cut to a readable length, without Jackson's pointers to its own settings. */
    private static String brief(String message) {
        if (message == null) {
            return "unknown error";
        }
        String m = message.replaceAll(", from `[^`]*`", "").replaceAll(" \\(`[^`]*`\\)", "");
        return m.length() <= MAX_MESSAGE_CHARS ? m : m.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    /** Describes the limits, for logs. */
    @Override
    public String toString() {
        return "JsonSerializer[rejectDuplicateKeys=" + rejectDuplicateKeys + ", maxDepth=" + maxDepth
                + ", maxNumberLength=" + maxNumberLength + ", maxStringLength=" + maxStringLength + "]";
    }

    /**
     * Immutable settings for a {@link JsonSerializer}: every method returns a new builder, so a builder
     * can be shared and extended freely.
     */
    public static final class Builder {
        static final Builder DEFAULTS =
                new Builder(DEFAULT_MAX_DEPTH, DEFAULT_MAX_NUMBER_LENGTH, DEFAULT_MAX_STRING_LENGTH, false);

        private final int maxDepth;
        private final int maxNumberLength;
        private final int maxStringLength;
        private final boolean rejectDuplicateKeys;

        private Builder(int maxDepth, int maxNumberLength, int maxStringLength, boolean rejectDuplicateKeys) {
            this.maxDepth = maxDepth;
            this.maxNumberLength = maxNumberLength;
            this.maxStringLength = maxStringLength;
            this.rejectDuplicateKeys = rejectDuplicateKeys;
        }

        /** How many levels of lists and maps a value may nest, when writing and reading (default 1000). */
        public Builder maxDepth(int levels) {
            return new Builder(positive(levels, "maxDepth"), maxNumberLength, maxStringLength, rejectDuplicateKeys);
        }

        /** How many digits an integer literal may have when reading (default 4300, like Python 3.11). */
        public Builder maxNumberLength(int digits) {
            return new Builder(maxDepth, positive(digits, "maxNumberLength"), maxStringLength, rejectDuplicateKeys);
        }

        /**
         * How many chars one string, key or float literal may have when reading (default 1 MiB).
         */
        public Builder maxStringLength(int chars) {
            return new Builder(maxDepth, maxNumberLength, positive(chars, "maxStringLength"), rejectDuplicateKeys);
        }

        /**
         * Refuse objects that repeat a key (default false: Python keeps the last value). No Django or
         * Satchel writer produces them, so the session decoder refuses them as ambiguous input that
         * different parsers could read differently.
         */
        public Builder rejectDuplicateKeys(boolean reject) {
            return new Builder(maxDepth, maxNumberLength, maxStringLength, reject);
        }

        /** A serializer with these limits. */
        public JsonSerializer build() {
            return this == DEFAULTS ? DEFAULT : new JsonSerializer(this);
        }

        private static int positive(int value, String what) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, got " + value);
            }
            return value;
        }
    }

    /** Writes the parts of a value to a generator. */
    private static final class Writer implements JsonModel.Visitor<IOException> {
        private final JsonGenerator g;

        Writer(JsonGenerator g) {
            this.g = g;
        }

        @Override
        public void startMap(int size) throws IOException {
            g.writeStartObject();
        }

        @Override
        public void key(String key) throws IOException {
            g.writeFieldName(key);
        }

        @Override
        public void endMap() throws IOException {
            g.writeEndObject();
        }

        @Override
        public void startList(int size) throws IOException {
            g.writeStartArray();
        }

        @Override
        public void endList() throws IOException {
            g.writeEndArray();
        }

        @Override
        public void scalar(Object value) throws IOException {
            if (value instanceof String s) {
                g.writeString(s);
            } else if (value == null) {
                g.writeNull();
            } else if (value instanceof Boolean b) {
                g.writeBoolean(b);
            } else if (value instanceof Long
                    || value instanceof Integer
                    || value instanceof Short
                    || value instanceof Byte) {
                g.writeNumber(((Number) value).longValue());
            } else if (value instanceof BigInteger big) {
                g.writeNumber(big);
            } else {
                // Double or Float (a float is written as the double it widens to, as Python has no float32).
                double d = ((Number) value).doubleValue();
                if (Double.isNaN(d)) {
                    g.writeNumber("NaN");
                } else if (Double.isInfinite(d)) {
                    g.writeNumber(d > 0 ? "Infinity" : "-Infinity");
                } else {
                    g.writeNumber(PythonFloatFormat.repr(d));
                }
            }
        }
    }

    /**
     * Python's {@code ensure_ascii} escapes: Jackson's standard ones plus DEL; everything above ASCII is
     * escaped by {@link JsonWriteFeature#ESCAPE_NON_ASCII}, one UTF-16 unit at a time.
     */
    private static final class PythonEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        static final PythonEscapes INSTANCE = new PythonEscapes();

        private final int[] ascii;

        private PythonEscapes() {
            int[] codes = standardAsciiEscapesForJSON();
            codes[0x7f] = ESCAPE_STANDARD;
            this.ascii = codes;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    /**
     * Whether Jackson's byte parser reads the bytes as Python reads them: ASCII without NUL. From a
     * NUL among the first four bytes Jackson guesses UTF-16 or UTF-32, so {@code "\0" "6"} would
     * read as {@code 6} (a NUL is never valid JSON, which the latin-1 reader reports).
     */
    private static boolean isAsciiWithoutNul(byte[] bytes) {
        for (byte b : bytes) {
            if (b <= 0) {
                return false;
            }
        }
        return true;
    }

    /** Django's {@code bytes.decode('latin-1')}: each byte is the char with the same code. */
    private static final class Latin1Reader extends Reader {
        private final byte[] bytes;
        private int pos;

        Latin1Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            int n = Math.min(len, bytes.length - pos);
            if (n <= 0) {
                return len == 0 ? 0 : -1;
            }
            for (int i = 0; i < n; i++) {
                buf[off + i] = (char) (bytes[pos + i] & 0xff);
            }
            pos += n;
            return n;
        }

        @Override
        public void close() {}
    }
}
