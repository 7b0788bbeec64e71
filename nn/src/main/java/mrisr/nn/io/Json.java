package mrisr.nn.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 JSON parser for safetensors headers: no comments, no trailing commas, no leading
 * zeros, no unescaped control characters, no lone surrogates, no duplicate keys, at most
 * {@link #MAX_DEPTH} levels of nesting, nothing but whitespace after the value.
 *
 * <p>Values map to {@code LinkedHashMap<String, Object>} (key order kept), {@code List<Object>},
 * {@code String}, {@link BigInteger} (a literal without fraction or exponent), {@link BigDecimal} (any
 * other number), {@code Boolean} and {@link #NULL}.
 */
final class Json {
    /** JSON {@code null} (maps cannot hold Java null values in a way callers can tell apart). */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    static final int MAX_DEPTH = 64;

    /** Why parsing failed, and where. */
    static final class ParseException extends Exception {
        final boolean duplicateKey;

        ParseException(String message, boolean duplicateKey) {
            super(message);
            this.duplicateKey = duplicateKey;
        }
    }

    private final String s;
    private int pos;

    private Json(String s) {
        this.s = s;
    }

    /** Parses one JSON document. */
    static Object parse(String text) throws ParseException {
        Json p = new Json(text);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) throw p.error("unexpected content after the JSON value");
        return v;
    }

    private ParseException error(String message) {
        return new ParseException(message + " at character " + pos, false);
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            pos++;
        }
    }

    private Object value(int depth) throws ParseException {
        if (pos >= s.length()) throw error("unexpected end of input");
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) yield number();
                throw error("unexpected character '" + printable(c) + "'");
            }
        };
    }

    private Object literal(String word, Object v) throws ParseException {
        if (!s.startsWith(word, pos)) throw error("invalid literal");
        pos += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) throws ParseException {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        pos++; // {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < s.length() && s.charAt(pos) == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            if (pos >= s.length() || s.charAt(pos) != '"') throw error("expected a string key");
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth);
            if (out.containsKey(key)) {
                throw new ParseException("duplicate key \"" + key + "\" at character " + keyAt, true);
            }
            out.put(key, v);
            skipWhitespace();
            if (pos >= s.length()) throw error("unterminated object");
            char c = s.charAt(pos++);
            if (c == '}') return out;
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws ParseException {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        pos++; // [
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (pos < s.length() && s.charAt(pos) == ']') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            out.add(value(depth));
            skipWhitespace();
            if (pos >= s.length()) throw error("unterminated array");
            char c = s.charAt(pos++);
            if (c == ']') return out;
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private void expect(char c) throws ParseException {
        if (pos >= s.length() || s.charAt(pos) != c) throw error("expected '" + c + "'");
        pos++;
    }

    private String string() throws ParseException {
        pos++; // opening quote
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= s.length()) throw error("unterminated string");
            char c = s.charAt(pos++);
            if (c == '"') return b.toString();
            if (c < 0x20) {
                pos--;
                throw error("unescaped control character U+" + String.format("%04X", (int) c) + " in a string");
            }
            if (Character.isSurrogate(c)) {
                // the header was decoded from strict UTF-8, so a raw surrogate here is always a valid pair
                b.append(c);
                continue;
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (pos >= s.length()) throw error("unterminated escape");
            char e = s.charAt(pos++);
            switch (e) {
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                case '/' -> b.append('/');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!s.startsWith("\\u", pos)) throw error("unpaired high surrogate escape");
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) throw error("high surrogate escape not followed by a low one");
                        b.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("unpaired low surrogate escape");
                    } else {
                        b.append(u);
                    }
                }
                default -> {
                    pos--;
                    throw error("invalid escape '\\" + printable(e) + "'");
                }
            }
        }
    }

    private char hex4() throws ParseException {
        if (pos + 4 > s.length()) throw error("truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(pos + i), 16);
            if (d < 0) throw error("invalid hex digit in \\u escape");
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Number number() throws ParseException {
        int start = pos;
        boolean integer = true;
        if (s.charAt(pos) == '-') pos++;
        if (pos >= s.length()) throw error("truncated number");
        if (s.charAt(pos) == '0') {
            pos++;
            if (pos < s.length() && isDigit(s.charAt(pos))) throw error("leading zero in a number");
        } else if (isDigit(s.charAt(pos))) {
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        } else {
            throw error("expected a digit");
        }
        if (pos < s.length() && s.charAt(pos) == '.') {
            integer = false;
            pos++;
            if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit after '.'");
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        }
        if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
            integer = false;
            pos++;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
            if (pos >= s.length() || !isDigit(s.charAt(pos))) throw error("expected a digit in the exponent");
            while (pos < s.length() && isDigit(s.charAt(pos))) pos++;
        }
        if (pos - start > 400) throw error("number longer than 400 characters");
        try {
            String literal = s.substring(start, pos);
            return integer ? new BigInteger(literal) : new BigDecimal(literal);
        } catch (NumberFormatException | ArithmeticException e) {
            throw error("number out of range");
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7F ? String.format("U+%04X", (int) c) : String.valueOf(c);
    }

    /** Appends {@code v} as a JSON string literal (quotes and escapes). */
    static void quote(StringBuilder b, String v) {
        b.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
