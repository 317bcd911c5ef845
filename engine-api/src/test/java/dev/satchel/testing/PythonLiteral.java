package dev.satchel.testing;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Python's {@code repr()} of a value made of dicts, lists, tuples, strings, ints of any size,
 * floats (with {@code nan}, {@code inf}, {@code -inf}), {@code True}, {@code False} and {@code None}:
 * the {@code payload_python} field of the Django vectors. It lets tests build, from the file, the
 * values plain JSON cannot describe, instead of writing them by hand.
 *
 * <p>Values come back as Java holds a session value: {@link LinkedHashMap} (keys as parsed, so a
 * non-string key stays an {@link Long} or other type), {@link ArrayList} for lists and tuples alike,
 * {@link String}, {@link Long} or {@link BigInteger}, {@link Double}, {@link Boolean}, {@code null}.
 */
public final class PythonLiteral {
    private final String text;
    private int pos;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /**
     * Parses one literal.
     *
     * @throws IllegalArgumentException when the text is not such a literal (with the position)
     */
    public static Object parse(String text) {
        PythonLiteral p = new PythonLiteral(text);
        Object value = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("trailing text");
        }
        return value;
    }

    private Object value() {
        skipSpace();
        if (pos >= text.length()) {
            throw error("value expected");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '{' -> {
                return dict();
            }
            case '[' -> {
                return sequence('[', ']');
            }
            case '(' -> {
                return sequence('(', ')');
            }
            case '\'', '"' -> {
                return string();
            }
            default -> {
                if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
                    return number();
                }
                String word = word();
                return switch (word) {
                    case "True" -> Boolean.TRUE;
                    case "False" -> Boolean.FALSE;
                    case "None" -> null;
                    case "nan" -> Double.NaN;
                    case "inf" -> Double.POSITIVE_INFINITY;
                    default -> throw error("unknown name " + word);
                };
            }
        }
    }

    private Map<Object, Object> dict() {
        expect('{');
        Map<Object, Object> map = new LinkedHashMap<>();
        skipSpace();
        if (peek('}')) {
            pos++;
            return map;
        }
        while (true) {
            Object key = value();
            skipSpace();
            expect(':');
            map.put(key, value());
            skipSpace();
            if (peek(',')) {
                pos++;
                skipSpace();
                if (peek('}')) {
                    pos++;
                    return map;
                }
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> sequence(char open, char close) {
        expect(open);
        List<Object> list = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek(close)) {
                pos++;
                return list;
            }
            list.add(value());
            skipSpace();
            if (peek(',')) {
                pos++;
            } else {
                expect(close);
                return list;
            }
        }
    }

    private Object number() {
        int start = pos;
        boolean negative = false;
        if (peek('-') || peek('+')) {
            negative = text.charAt(pos) == '-';
            pos++;
        }
        if (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            String word = word();
            if (word.equals("inf")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            if (word.equals("nan")) {
                return Double.NaN;
            }
            throw error("unknown name " + word);
        }
        boolean isFloat = false;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isDigit(c) || c == '_') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E') {
                isFloat = true;
                pos++;
                if ((c == 'e' || c == 'E') && (peek('-') || peek('+'))) {
                    pos++;
                }
            } else {
                break;
            }
        }
        String literal = text.substring(start, pos).replace("_", "");
        if (isFloat) {
            return Double.parseDouble(literal);
        }
        BigInteger big = new BigInteger(literal);
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private String string() {
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'a' -> sb.append('\u0007');
                case 'v' -> sb.append('\u000b');
                case '0' -> sb.append('\0');
                case '\\', '\'', '"' -> sb.append(e);
                case 'x' -> sb.append((char) hex(2));
                case 'u' -> sb.append((char) hex(4));
                case 'U' -> sb.appendCodePoint(hex(8));
                default -> throw error("unknown escape \\" + e);
            }
        }
    }

    private int hex(int digits) {
        if (pos + digits > text.length()) {
            throw error("short escape");
        }
        int value = Integer.parseInt(text.substring(pos, pos + digits), 16);
        pos += digits;
        return value;
    }

    private String word() {
        int start = pos;
        while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("unexpected character '" + text.charAt(pos) + "'");
        }
        return text.substring(start, pos);
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "' expected");
        }
        pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at " + pos + " in Python literal: " + text);
    }
}
