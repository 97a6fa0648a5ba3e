package dev.textpoke.scenario.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON (RFC 8259) read into values that remember the line and byte offset they start at, so that
 * every complaint about a scenario file can say where. Duplicate keys are refused. Numbers are
 * kept as their text. At most {@link #MAX_DEPTH} levels of nesting.
 */
public final class Json {
    static final int MAX_DEPTH = 64;

    /** A value and where it starts (line from 1; byte offset from 0, counting UTF-8 bytes as characters). */
    public sealed interface Value permits Obj, Arr, Str, Num, Bool, Null {
        int line();

        long offset();

        /** The type as a message names it. */
        String typeName();
    }

    public record Member(String key, int line, long offset, Value value) {}

    public record Obj(Map<String, Member> members, int line, long offset) implements Value {
        public String typeName() {
            return "an object";
        }
    }

    public record Arr(List<Value> items, int line, long offset) implements Value {
        public String typeName() {
            return "an array";
        }
    }

    public record Str(String value, int line, long offset) implements Value {
        public String typeName() {
            return "a string";
        }
    }

    public record Num(String text, int line, long offset) implements Value {
        public String typeName() {
            return "a number";
        }
    }

    public record Bool(boolean value, int line, long offset) implements Value {
        public String typeName() {
            return "true or false";
        }
    }

    public record Null(int line, long offset) implements Value {
        public String typeName() {
            return "null";
        }
    }

    private final String file;
    private final String text;
    private int pos;
    private int line = 1;

    private Json(String file, String text) {
        this.file = file;
        this.text = text;
    }

    /** Parses {@code text} (the contents of {@code file}). */
    public static Value parse(String file, String text) throws ScenarioFileException {
        Json j = new Json(file, text);
        j.space();
        Value v = j.value(0);
        j.space();
        if (j.pos < text.length()) {
            throw j.error("text after the end of the JSON value");
        }
        return v;
    }

    private ScenarioFileException error(String problem) {
        return new ScenarioFileException(file, pos, line, ScenarioFileException.Kind.SYNTAX, problem);
    }

    private void space() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private Value value(int depth) throws ScenarioFileException {
        if (depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " levels deep");
        }
        if (pos >= text.length()) {
            throw error("the file ends where a value is expected");
        }
        int l = line;
        long o = pos;
        char c = text.charAt(pos);
        switch (c) {
            case '{' -> {
                pos++;
                Map<String, Member> m = new LinkedHashMap<>();
                space();
                if (peek('}')) {
                    pos++;
                    return new Obj(m, l, o);
                }
                while (true) {
                    space();
                    int kl = line;
                    long ko = pos;
                    if (!peek('"')) {
                        throw error("an object key (a string in double quotes) is expected");
                    }
                    String k = string();
                    if (m.containsKey(k)) {
                        throw new ScenarioFileException(file, ko, kl, ScenarioFileException.Kind.SYNTAX,
                                "key \"" + k + "\" appears twice in the object");
                    }
                    space();
                    expect(':');
                    space();
                    m.put(k, new Member(k, kl, ko, value(depth + 1)));
                    space();
                    if (peek(',')) {
                        pos++;
                        continue;
                    }
                    if (!peek('}')) {
                        throw error("',' or '}' is expected after a value in an object"
                                + (pos < text.length() ? ", not '" + text.charAt(pos) + "'" : ""));
                    }
                    pos++;
                    return new Obj(m, l, o);
                }
            }
            case '[' -> {
                pos++;
                List<Value> items = new ArrayList<>();
                space();
                if (peek(']')) {
                    pos++;
                    return new Arr(items, l, o);
                }
                while (true) {
                    space();
                    items.add(value(depth + 1));
                    space();
                    if (peek(',')) {
                        pos++;
                        continue;
                    }
                    if (!peek(']')) {
                        throw error("',' or ']' is expected after a value in an array"
                                + (pos < text.length() ? ", not '" + text.charAt(pos) + "'" : ""));
                    }
                    pos++;
                    return new Arr(items, l, o);
                }
            }
            case '"' -> {
                return new Str(string(), l, o);
            }
            case 't' -> {
                word("true");
                return new Bool(true, l, o);
            }
            case 'f' -> {
                word("false");
                return new Bool(false, l, o);
            }
            case 'n' -> {
                word("null");
                return new Null(l, o);
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return new Num(number(), l, o);
                }
                throw error("unexpected character '" + c + "'");
            }
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) throws ScenarioFileException {
        if (!peek(c)) {
            throw error("'" + c + "' is expected" + (pos < text.length() ? ", not '" + text.charAt(pos) + "'" : ""));
        }
        pos++;
    }

    private void word(String w) throws ScenarioFileException {
        if (!text.startsWith(w, pos)) {
            throw error("unexpected word (true, false or null?)");
        }
        pos += w.length();
    }

    private String number() throws ScenarioFileException {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        int digits = 0;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
            digits++;
        }
        if (digits == 0) {
            throw error("a number needs digits");
        }
        if (peek('.')) {
            pos++;
            int frac = 0;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
                frac++;
            }
            if (frac == 0) {
                throw error("a number needs digits after the point");
            }
        }
        if (peek('e') || peek('E')) {
            pos++;
            if (peek('+') || peek('-')) {
                pos++;
            }
            int exp = 0;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
                exp++;
            }
            if (exp == 0) {
                throw error("a number needs digits in its exponent");
            }
        }
        return text.substring(start, pos);
    }

    private String string() throws ScenarioFileException {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("the file ends inside a string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\n') {
                throw error("a string runs past the end of its line");
            }
            if (c < 0x20) {
                throw error("a control character inside a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("the file ends inside a string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("a \\u escape needs four hex digits");
                    }
                    try {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("a \\u escape needs four hex digits");
                    }
                    pos += 4;
                }
                default -> throw error("unknown escape \\" + e);
            }
        }
    }
}
