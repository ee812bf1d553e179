package dev.softmax.cli.npy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parser for the subset of Python literals a {@code .npy} header can contain: dicts, tuples, lists, strings,
 * integers (with the {@code L} suffix Python 2 wrote for longs), {@code True}, {@code False} and {@code None}.
 * It never evaluates anything, runs in linear time and refuses nesting deeper than {@value #MAX_DEPTH}, so a
 * hostile header cannot do more than fail with a one-line {@link NpyFormatException}.
 */
final class PyLiteral {

    static final int MAX_DEPTH = 32;

    /** A parsed literal and the exact source text it came from (for error messages). */
    sealed interface Value permits Str, Int, Bool, NoneValue, Seq, Dict {
        String text();
    }

    record Str(String value, String text) implements Value {}

    record Int(BigInteger value, String text) implements Value {}

    record Bool(boolean value, String text) implements Value {}

    record NoneValue(String text) implements Value {}

    /** A tuple ({@code tuple == true}) or a list. */
    record Seq(boolean tuple, List<Value> items, String text) implements Value {}

    /** A dict, its entries in source order, duplicates kept so that the caller can reject them. */
    record Dict(List<Map.Entry<Value, Value>> entries, String text) implements Value {}

    private final String s;
    private final String source;
    private int pos;

    private PyLiteral(String s, String source) {
        this.s = s;
        this.source = source;
    }

    /** Parses {@code text} as exactly one literal surrounded by optional whitespace. */
    static Value parse(String text, String source) {
        PyLiteral parser = new PyLiteral(text, source);
        parser.skipWhitespace();
        if (parser.pos == text.length()) {
            throw NpyFormatException.malformed(source, "the header is empty (expected a dict literal)");
        }
        Value value = parser.value(0);
        parser.skipWhitespace();
        if (parser.pos != text.length()) {
            throw parser.error("unexpected text after the end of the literal");
        }
        return value;
    }

    private Value value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("literal nested more than " + MAX_DEPTH + " levels deep");
        }
        skipWhitespace();
        if (pos >= s.length()) {
            throw error("unexpected end of the header");
        }
        char c = s.charAt(pos);
        if (c == '{') {
            return dict(depth);
        }
        if (c == '(' || c == '[') {
            return sequence(depth, c);
        }
        if (c == '\'' || c == '"') {
            return string(pos);
        }
        if ((c == 'u' || c == 'U') && pos + 1 < s.length() && (s.charAt(pos + 1) == '\'' || s.charAt(pos + 1) == '"')) {
            int start = pos++;
            return string(start);
        }
        if (c == '-' || c == '+' || isDigit(c)) {
            return integer();
        }
        if (Character.isLetter(c) || c == '_') {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                pos++;
            }
            String name = s.substring(start, pos);
            return switch (name) {
                case "True" -> new Bool(true, name);
                case "False" -> new Bool(false, name);
                case "None" -> new NoneValue(name);
                default -> {
                    pos = start;
                    throw error("unexpected name " + quote(name) + " (only literals are allowed)");
                }
            };
        }
        throw error("unexpected character " + quote(String.valueOf(c)));
    }

    private Dict dict(int depth) {
        int start = pos++;
        List<Map.Entry<Value, Value>> entries = new ArrayList<>();
        while (true) {
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                break;
            }
            Value key = value(depth + 1);
            skipWhitespace();
            if (peek() != ':') {
                throw error("expected ':' after the key " + key.text());
            }
            pos++;
            Value item = value(depth + 1);
            entries.add(Map.entry(key, item));
            skipWhitespace();
            if (peek() == ',') {
                pos++;
            } else if (peek() == '}') {
                pos++;
                break;
            } else {
                throw error("expected ',' or '}' after the value of " + key.text());
            }
        }
        return new Dict(List.copyOf(entries), s.substring(start, pos));
    }

    private Value sequence(int depth, char open) {
        char close = open == '(' ? ')' : ']';
        int start = pos++;
        List<Value> items = new ArrayList<>();
        boolean sawComma = false;
        while (true) {
            skipWhitespace();
            if (peek() == close) {
                pos++;
                break;
            }
            items.add(value(depth + 1));
            skipWhitespace();
            if (peek() == ',') {
                pos++;
                sawComma = true;
            } else if (peek() == close) {
                pos++;
                break;
            } else {
                throw error("expected ',' or '" + close + "'");
            }
        }
        String text = s.substring(start, pos);
        if (open == '(' && items.size() == 1 && !sawComma) {
            // (5) is just 5 in Python, not a tuple; keep the parentheses in the text for messages.
            return withText(items.getFirst(), text);
        }
        return new Seq(open == '(', List.copyOf(items), text);
    }

    private Str string(int start) {
        char quote = s.charAt(pos);
        if (s.startsWith(String.valueOf(quote).repeat(3), pos)) {
            throw error("triple-quoted strings are not supported in a .npy header");
        }
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                pos = start;
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == quote) {
                break;
            }
            if (c == '\n' || c == '\r') {
                pos = start;
                throw error("unterminated string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= s.length()) {
                pos = start;
                throw error("unterminated string");
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '\\', '\'', '"' -> out.append(e);
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'v' -> out.append('\u000b');
                case '\n' -> {} // line continuation
                case 'x' -> out.append((char) hex(2));
                case 'u' -> out.append((char) hex(4));
                case 'U' -> out.appendCodePoint(hex(8));
                default -> {
                    if (e >= '0' && e <= '7') {
                        int value = e - '0';
                        for (int i = 0;
                                i < 2 && pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '7';
                                i++) {
                            value = value * 8 + (s.charAt(pos++) - '0');
                        }
                        out.append((char) value);
                    } else {
                        out.append('\\').append(e); // Python keeps unknown escapes as they are
                    }
                }
            }
        }
        return new Str(out.toString(), s.substring(start, pos));
    }

    private int hex(int digits) {
        if (pos + digits > s.length()) {
            throw error("truncated \\x, \\u or \\U escape");
        }
        int value = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(s.charAt(pos + i), 16);
            if (d < 0) {
                throw error("invalid \\x, \\u or \\U escape");
            }
            value = value * 16 + d;
        }
        if (!Character.isValidCodePoint(value)) {
            throw error("invalid \\U escape");
        }
        pos += digits;
        return value;
    }

    private Int integer() {
        int start = pos;
        boolean negative = false;
        while (pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
            negative ^= s.charAt(pos) == '-';
            pos++;
            skipWhitespace();
        }
        int digitsStart = pos;
        while (pos < s.length() && (isDigit(s.charAt(pos)) || (s.charAt(pos) == '_' && pos > digitsStart))) {
            pos++;
        }
        if (pos == digitsStart) {
            throw error("expected a number");
        }
        BigInteger magnitude = new BigInteger(s.substring(digitsStart, pos).replace("_", ""));
        if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) {
            pos++; // Python 2 long literal, as in shapes written by NumPy under Python 2: (3L, 4L)
        }
        if (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
            throw error("unsupported number literal (only decimal integers are allowed)");
        }
        return new Int(negative ? magnitude.negate() : magnitude, s.substring(start, pos));
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000b') {
                pos++;
            } else if (c == '\\' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                pos += 2;
            } else {
                break;
            }
        }
    }

    private NpyFormatException error(String what) {
        int from = Math.max(0, pos - 24);
        int to = Math.min(s.length(), pos + 24);
        String near = (from > 0 ? "..." : "") + escape(s.substring(from, to)) + (to < s.length() ? "..." : "");
        String where = pos >= s.length() ? "at the end" : "at character " + (pos + 1);
        return NpyFormatException.malformed(source, what + " " + where + ", near \"" + near + "\"");
    }

    private static Value withText(Value value, String text) {
        return switch (value) {
            case Str v -> new Str(v.value(), text);
            case Int v -> new Int(v.value(), text);
            case Bool v -> new Bool(v.value(), text);
            case NoneValue v -> new NoneValue(text);
            case Seq v -> new Seq(v.tuple(), v.items(), text);
            case Dict v -> new Dict(v.entries(), text);
        };
    }

    /** A string as Python's repr writes it: {@code '<f4'}, with control characters escaped. */
    static String quote(String value) {
        char q = value.indexOf('\'') >= 0 && value.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(q);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == q || c == '\\') {
                out.append('\\').append(c);
            } else {
                appendEscaped(out, c);
            }
        }
        return out.append(q).toString();
    }

    /** Header text made safe for a one-line message: control and line-separator characters escaped. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            appendEscaped(out, text.charAt(i));
        }
        return out.toString();
    }

    /** {@link #escape} cut to about {@code max} characters with "..." when longer. */
    static String snippet(String text, int max) {
        String escaped = escape(text);
        return escaped.length() <= max ? escaped : escaped.substring(0, max) + "...";
    }

    private static void appendEscaped(StringBuilder out, char c) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                    out.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
    }
}
