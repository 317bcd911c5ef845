package dev.satchel.cache.internal;

import dev.satchel.MalformedPayloadException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Python pickle of plain data, never anything else: the session dict Django's cache backends
 * store. It is not an unpickler. It knows only the opcodes that build {@code dict}, {@code str},
 * {@code int} (any size), {@code float}, {@code bool}, {@code None}, {@code list} and {@code tuple}
 * (read as a list) in protocols 0 to 5; every other opcode ({@code GLOBAL}, {@code STACK_GLOBAL},
 * {@code REDUCE}, {@code BUILD}, {@code INST}, {@code OBJ}, {@code NEWOBJ}, {@code NEWOBJ_EX}, the
 * {@code EXT} codes, {@code PERSID}, bytes, sets, buffers, ...) is refused with {@link
 * MalformedPayloadException} as soon as it is met. Nothing is looked up, imported or called: the only
 * objects ever made are strings, numbers and the JSON containers.
 *
 * <p>Limits: the whole pickle at most {@code maxBytes}; nesting at most {@link #MAX_DEPTH}; a string at
 * most {@link #MAX_STRING_CHARS}; an integer at most {@link #MAX_INT_DIGITS} decimal digits (Python's
 * own limit for converting one to text); at most {@link #MAX_STACK} values on the stack and {@link
 * #MAX_MEMO} memo entries; and the value, with every memo reference expanded, at most {@link
 * #EXPANSION} times {@code maxBytes} (so a few bytes of references cannot stand for gigabytes). A
 * container that contains itself is refused. The result is a fresh tree of {@link LinkedHashMap},
 * {@link ArrayList}, {@code String}, {@code Long} ({@code BigInteger} beyond its range), {@code
 * Double}, {@code Boolean} and {@code null}: nothing in it is shared.
 */
public final class PickleReader {
    /** The deepest nesting read, counting the session dict: the JSON serializer's limit. */
    public static final int MAX_DEPTH = 1000;

    /** The longest string read, in chars: the JSON serializer's limit. */
    public static final int MAX_STRING_CHARS = 1 << 20;

    /** The most decimal digits of an integer: Python 3.11's {@code int_max_str_digits}. */
    public static final int MAX_INT_DIGITS = 4300;

    /** The most values on the stack at once (Python writes at most 1000 plus the nesting). */
    public static final int MAX_STACK = 1 << 16;

    /** The most memo entries (Python memoizes each string and container once). */
    public static final int MAX_MEMO = 1 << 18;

    /** How many times the pickle's size its value may reach with memo references expanded. */
    public static final int EXPANSION = 4;

    private static final Object MARK = new Object();

    /** A tuple while reading: a list that refuses appends; turned into a list at the end. */
    private record Tuple(List<Object> items) {}

    private final byte[] in;
    private int pos;
    private Object[] stack = new Object[32];
    private int size;
    private int marks;
    private final Map<Long, Object> memo = new HashMap<>();
    private final long maxExpanded;

    private PickleReader(byte[] in, long maxBytes) {
        this.in = in;
        this.maxExpanded = EXPANSION * Math.max(maxBytes, 1024);
    }

    /**
     * The dict a pickle holds, as a fresh map.
     *
     * @param pickle the pickled bytes
     * @param maxBytes the largest pickle accepted (the session payload limit)
     * @throws MalformedPayloadException if the bytes are not a pickle of a dict of plain data with
     *     string keys within the limits, naming the first reason
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readDict(byte[] pickle, long maxBytes) {
        if (pickle.length > maxBytes) {
            throw new MalformedPayloadException(
                    "pickle of " + pickle.length + " bytes is over the " + maxBytes + " bytes read");
        }
        Object value = new PickleReader(pickle, maxBytes).read();
        if (!(value instanceof Map)) {
            throw new MalformedPayloadException("pickle holds a " + typeName(value) + ", not a dict");
        }
        return (Map<String, Object>) value;
    }

    private Object read() {
        while (true) {
            if (pos >= in.length) {
                throw malformed("pickle ends without STOP");
            }
            int op = in[pos++] & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) {
                        throw malformed("pickle protocol " + proto + " is not supported");
                    }
                }
                case 0x95 -> { // FRAME: the length must fit what is left; frames are otherwise transparent
                    long length = u64();
                    if (length < 0 || length > in.length - pos) {
                        throw malformed("FRAME longer than the pickle");
                    }
                }
                case '.' -> { // STOP
                    if (marks != 0 || size != 1) {
                        throw malformed("STOP with " + size + " values on the stack");
                    }
                    if (pos != in.length) {
                        throw malformed("data after STOP");
                    }
                    return tree(stack[0]);
                }
                case '(' -> pushMark();
                case '}' -> push(new LinkedHashMap<String, Object>());
                case ']' -> push(new ArrayList<>());
                case ')' -> push(new Tuple(List.of()));
                case 'd' -> { // DICT: the items since the mark, as key, value pairs
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) {
                        throw malformed("DICT with an odd number of items");
                    }
                    Map<String, Object> dict = new LinkedHashMap<>();
                    for (int i = 0; i < items.size(); i += 2) {
                        dict.put(key(items.get(i)), items.get(i + 1));
                    }
                    push(dict);
                }
                case 'l' -> push(new ArrayList<>(popMark()));
                case 't' -> push(new Tuple(popMark()));
                case 0x85 -> push(new Tuple(popN(1)));
                case 0x86 -> push(new Tuple(popN(2)));
                case 0x87 -> push(new Tuple(popN(3)));
                case 's' -> { // SETITEM
                    Object value = pop();
                    Object key = pop();
                    dict(peek(), "SETITEM").put(key(key), value);
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    if (items.size() % 2 != 0) {
                        throw malformed("SETITEMS with an odd number of items");
                    }
                    Map<String, Object> dict = dict(peek(), "SETITEMS");
                    for (int i = 0; i < items.size(); i += 2) {
                        dict.put(key(items.get(i)), items.get(i + 1));
                    }
                }
                case 'a' -> { // APPEND
                    Object value = pop();
                    list(peek(), "APPEND").add(value);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    list(peek(), "APPENDS").addAll(items);
                }
                case 'X' -> push(string(u32())); // BINUNICODE
                case 0x8c -> push(string(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(string(u64())); // BINUNICODE8
                case 'V' -> push(rawUnicodeEscape(line())); // UNICODE (protocol 0)
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) (u8() | u8() << 8)); // BININT2
                case 'J' -> push((long) (int) u32()); // BININT
                case 0x8a -> push(binaryLong(u8())); // LONG1
                case 0x8b -> { // LONG4
                    long n = (int) u32();
                    if (n < 0) {
                        throw malformed("LONG4 with a negative length");
                    }
                    push(binaryLong(n));
                }
                case 'I' -> push(textInt(line(), false)); // INT: "00" and "01" are False and True
                case 'L' -> push(textInt(line(), true)); // LONG (protocol 0)
                case 'G' -> { // BINFLOAT: big-endian IEEE 754
                    need(8);
                    double d = ByteBuffer.wrap(in, pos, 8)
                            .order(ByteOrder.BIG_ENDIAN)
                            .getDouble();
                    pos += 8;
                    push(d);
                }
                case 'F' -> push(textFloat(line())); // FLOAT (protocol 0)
                case 0x88 -> push(Boolean.TRUE); // NEWTRUE
                case 0x89 -> push(Boolean.FALSE); // NEWFALSE
                case 'N' -> push(null); // NONE
                case 0x94 -> put(memo.size()); // MEMOIZE
                case 'q' -> put(u8()); // BINPUT
                case 'r' -> put(u32()); // LONG_BINPUT
                case 'p' -> put(textIndex(line())); // PUT
                case 'h' -> get(u8()); // BINGET
                case 'j' -> get(u32()); // LONG_BINGET
                case 'g' -> get(textIndex(line())); // GET
                default -> throw refused(op);
            }
        }
    }

    /** The refusal of an opcode outside the plain-data set, named with its family. */
    private MalformedPayloadException refused(int op) {
        String name =
                switch (op) {
                    case 'c' -> "GLOBAL";
                    case 0x93 -> "STACK_GLOBAL";
                    case 'R' -> "REDUCE";
                    case 'b' -> "BUILD";
                    case 'i' -> "INST";
                    case 'o' -> "OBJ";
                    case 0x81 -> "NEWOBJ";
                    case 0x92 -> "NEWOBJ_EX";
                    case 0x82, 0x83, 0x84 -> "EXT";
                    case 'P' -> "PERSID";
                    case 'Q' -> "BINPERSID";
                    case 'B', 'C', 0x8e, 0x96 -> "bytes";
                    case 'S', 'T', 'U' -> "Python 2 str";
                    case 0x8f, 0x90, 0x91 -> "set";
                    case 0x97, 0x98 -> "buffer";
                    case '0', '1', '2' -> "stack manipulation";
                    default -> String.format("unknown (0x%02x)", op);
                };
        return malformed("opcode " + name + " refused: only plain data (dict, str, int, float, bool, None, list,"
                + " tuple) is read from a pickle");
    }

    // ------------------------------------------------------------------ stack

    private void push(Object value) {
        if (size == MAX_STACK) {
            throw malformed("more than " + MAX_STACK + " values on the stack");
        }
        if (size == stack.length) {
            stack = Arrays.copyOf(stack, size * 2);
        }
        stack[size++] = value;
    }

    private void pushMark() {
        marks++;
        push(MARK);
    }

    private Object pop() {
        if (size == 0 || stack[size - 1] == MARK) {
            throw malformed("stack underflow");
        }
        Object value = stack[--size];
        stack[size] = null;
        return value;
    }

    private Object peek() {
        if (size == 0 || stack[size - 1] == MARK) {
            throw malformed("stack underflow");
        }
        return stack[size - 1];
    }

    private List<Object> popN(int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return new ArrayList<>(Arrays.asList(items));
    }

    /** The values pushed since the last mark, removing them and the mark. */
    private List<Object> popMark() {
        int at = size - 1;
        while (at >= 0 && stack[at] != MARK) {
            at--;
        }
        if (at < 0) {
            throw malformed("no MARK on the stack");
        }
        List<Object> items = new ArrayList<>(Arrays.asList(stack).subList(at + 1, size));
        Arrays.fill(stack, at, size, null);
        size = at;
        marks--;
        return items;
    }

    private void put(long index) {
        if (size == 0 || stack[size - 1] == MARK) {
            throw malformed("memo PUT with nothing on the stack");
        }
        if (memo.size() >= MAX_MEMO && !memo.containsKey(index)) {
            throw malformed("more than " + MAX_MEMO + " memo entries");
        }
        memo.put(index, stack[size - 1]);
    }

    private void get(long index) {
        if (!memo.containsKey(index)) {
            throw malformed("memo GET of an entry never PUT");
        }
        push(memo.get(index));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> dict(Object target, String op) {
        if (target instanceof Map) {
            return (Map<String, Object>) target;
        }
        throw malformed(op + " on a " + typeName(target));
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object target, String op) {
        if (target instanceof List) {
            return (List<Object>) target;
        }
        throw malformed(op + " on a " + typeName(target));
    }

    private String key(Object key) {
        if (key instanceof String s) {
            return s;
        }
        throw malformed("dict key is a " + typeName(key) + ": sessions have only str keys");
    }

    // ------------------------------------------------------------------ values

    private String string(long length) {
        if (length < 0 || length > in.length - pos) {
            throw malformed("string longer than the pickle");
        }
        if (length > 4L * MAX_STRING_CHARS) {
            throw malformed("string over " + MAX_STRING_CHARS + " chars");
        }
        String s = Utf8SurrogatePass.decode(in, pos, (int) length);
        if (s == null) {
            throw malformed("string is not valid UTF-8");
        }
        if (s.length() > MAX_STRING_CHARS) {
            throw malformed("string over " + MAX_STRING_CHARS + " chars");
        }
        pos += (int) length;
        return s;
    }

    /** Python's {@code decode_long}: little-endian two's complement. */
    private Object binaryLong(long length) {
        if (length > in.length - pos) {
            throw malformed("LONG longer than the pickle");
        }
        if (length > MAX_INT_DIGITS / 2) { // 2150 bytes hold over 5000 digits: refuse before building it
            throw malformed("integer over " + MAX_INT_DIGITS + " digits");
        }
        int n = (int) length;
        if (n == 0) {
            return 0L;
        }
        byte[] bigEndian = new byte[n];
        for (int i = 0; i < n; i++) {
            bigEndian[i] = in[pos + n - 1 - i];
        }
        pos += n;
        return integer(new BigInteger(bigEndian));
    }

    private Object integer(BigInteger value) {
        if (value.bitLength() < 64) {
            return value.longValue();
        }
        if (value.bitLength() > 14_300 || value.abs().toString().length() > MAX_INT_DIGITS) {
            throw malformed("integer over " + MAX_INT_DIGITS + " digits");
        }
        return value;
    }

    private Object textInt(String text, boolean isLong) {
        if (!isLong && text.equals("00")) {
            return Boolean.FALSE;
        }
        if (!isLong && text.equals("01")) {
            return Boolean.TRUE;
        }
        String digits = isLong && text.endsWith("L") ? text.substring(0, text.length() - 1) : text;
        if (!digits.matches("[+-]?[0-9]{1,4300}")) {
            throw malformed("INT or LONG is not a decimal integer");
        }
        return integer(new BigInteger(digits.startsWith("+") ? digits.substring(1) : digits));
    }

    private static double textFloat(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        switch (t) {
            case "nan", "+nan", "-nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {}
        }
        // The length first: this pattern backtracks quadratically over a long run of digits.
        if (t.length() > 400 || !t.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)(e[+-]?[0-9]+)?")) {
            throw new MalformedPayloadException("malformed pickle: FLOAT is not a decimal number");
        }
        return Double.parseDouble(t);
    }

    private long textIndex(String text) {
        if (!text.matches("[0-9]{1,10}")) {
            throw malformed("memo index is not a decimal number");
        }
        return Long.parseLong(text);
    }

    /** Python's {@code raw-unicode-escape}: Latin-1 bytes with {@code \\uXXXX} and {@code \\UXXXXXXXX}. */
    private String rawUnicodeEscape(String latin1) {
        StringBuilder sb = new StringBuilder(latin1.length());
        for (int i = 0; i < latin1.length(); i++) {
            char c = latin1.charAt(i);
            if (c == '\\' && i + 1 < latin1.length() && (latin1.charAt(i + 1) == 'u' || latin1.charAt(i + 1) == 'U')) {
                int digits = latin1.charAt(i + 1) == 'u' ? 4 : 8;
                if (i + 2 + digits > latin1.length()) {
                    throw malformed("truncated \\u escape in UNICODE");
                }
                String hex = latin1.substring(i + 2, i + 2 + digits);
                if (!hex.matches("[0-9a-fA-F]+")) {
                    throw malformed("bad \\u escape in UNICODE");
                }
                long cp = Long.parseLong(hex, 16);
                if (cp > Character.MAX_CODE_POINT) {
                    throw malformed("\\U escape beyond Unicode in UNICODE");
                }
                sb.appendCodePoint((int) cp);
                i += 1 + digits;
            } else {
                sb.append(c);
            }
        }
        if (sb.length() > MAX_STRING_CHARS) {
            throw malformed("string over " + MAX_STRING_CHARS + " chars");
        }
        return sb.toString();
    }

    /** A protocol-0 argument: the bytes up to the next newline, as Latin-1. */
    private String line() {
        int end = pos;
        while (end < in.length && in[end] != '\n') {
            end++;
        }
        if (end == in.length) {
            throw malformed("line argument without a newline");
        }
        String s = new String(in, pos, end - pos, StandardCharsets.ISO_8859_1);
        pos = end + 1;
        return s;
    }

    private void need(int n) {
        if (n > in.length - pos) {
            throw malformed("pickle truncated");
        }
    }

    private int u8() {
        need(1);
        return in[pos++] & 0xff;
    }

    private long u32() {
        need(4);
        long v = ByteBuffer.wrap(in, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
        pos += 4;
        return v;
    }

    private long u64() {
        need(8);
        long v = ByteBuffer.wrap(in, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        pos += 8;
        return v;
    }

    // ------------------------------------------------------------------ the result

    /**
     * A fresh copy of the value read, with tuples as lists: refuses a container inside itself, nesting
     * over {@link #MAX_DEPTH}, and an expanded size over the limit.
     */
    private Object tree(Object root) {
        long[] budget = {maxExpanded};
        return copy(root, 1, new IdentityHashMap<>(), budget);
    }

    private Object copy(Object value, int depth, IdentityHashMap<Object, Boolean> path, long[] budget) {
        if (value instanceof String s) {
            spend(budget, 1 + s.length());
            return s;
        }
        if (!(value instanceof Map) && !(value instanceof List) && !(value instanceof Tuple)) {
            spend(budget, 1);
            return value; // Long, BigInteger, Double, Boolean, null
        }
        if (depth > MAX_DEPTH) {
            throw malformed("nested deeper than " + MAX_DEPTH + " levels");
        }
        if (path.put(value, Boolean.TRUE) != null) {
            throw malformed("a container holds itself");
        }
        spend(budget, 1);
        Object result;
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                spend(budget, ((String) e.getKey()).length());
                out.put((String) e.getKey(), copy(e.getValue(), depth + 1, path, budget));
            }
            result = out;
        } else {
            List<?> items = value instanceof Tuple t ? t.items() : (List<?>) value;
            List<Object> out = new ArrayList<>(items.size());
            for (Object item : items) {
                out.add(copy(item, depth + 1, path, budget));
            }
            result = out;
        }
        path.remove(value);
        return result;
    }

    private void spend(long[] budget, long amount) {
        budget[0] -= amount;
        if (budget[0] < 0) {
            throw malformed("the value expands to over " + maxExpanded + " units through memo references");
        }
    }

    private static String typeName(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Tuple) {
            return "tuple";
        }
        if (value instanceof Map) {
            return "dict";
        }
        if (value instanceof List) {
            return "list";
        }
        if (value instanceof String) {
            return "str";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Double) {
            return "float";
        }
        return "int";
    }

    private MalformedPayloadException malformed(String why) {
        return new MalformedPayloadException("malformed pickle at byte " + Math.max(0, pos - 1) + ": " + why);
    }
}
