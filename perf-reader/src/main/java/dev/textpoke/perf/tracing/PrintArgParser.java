package dev.textpoke.perf.tracing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses the arguments of a {@code print fmt} line: a recursive-descent parser for the subset of
 * C that TP_printk arguments use (field references, literals, casts, the C operators with their
 * precedence, {@code ?:}, array indexing, and the {@code __print_*} and {@code __get_*} helpers).
 * Anything else is refused with {@link IllegalArgumentException}: the event then prints as
 * libtraceevent prints an event it failed to parse.
 */
final class PrintArgParser {
    private static final Set<String> TYPE_WORDS = Set.of("unsigned", "signed", "int", "long", "short", "char",
            "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "bool", "size_t", "pid_t", "void", "const",
            "struct", "__u8", "__u16", "__u32", "__u64", "__s8", "__s16", "__s32", "__s64", "gfp_t", "umode_t");

    /** Names libtraceevent knows the value of when a format leaves them unconverted ({@code eval_flag}). */
    private static final java.util.Map<String, Long> KNOWN_CONSTANTS = java.util.Map.ofEntries(
            java.util.Map.entry("HI_SOFTIRQ", 0L), java.util.Map.entry("TIMER_SOFTIRQ", 1L),
            java.util.Map.entry("NET_TX_SOFTIRQ", 2L), java.util.Map.entry("NET_RX_SOFTIRQ", 3L),
            java.util.Map.entry("BLOCK_SOFTIRQ", 4L), java.util.Map.entry("IRQ_POLL_SOFTIRQ", 5L),
            java.util.Map.entry("TASKLET_SOFTIRQ", 6L), java.util.Map.entry("SCHED_SOFTIRQ", 7L),
            java.util.Map.entry("HRTIMER_SOFTIRQ", 8L), java.util.Map.entry("RCU_SOFTIRQ", 9L),
            java.util.Map.entry("HRTIMER_NORESTART", 0L), java.util.Map.entry("HRTIMER_RESTART", 1L));

    private final List<String> tokens;
    private int at;

    private PrintArgParser(List<String> tokens) {
        this.tokens = tokens;
    }

    /** The format string and the arguments of {@code "fmt", arg, arg...}. */
    record Parsed(String format, List<PrintArg> args) {}

    static Parsed parse(String line) {
        PrintArgParser p = new PrintArgParser(tokenize(line));
        String format = p.stringLiteral();
        List<PrintArg> args = new ArrayList<>();
        while (p.peek() != null) {
            p.expect(",");
            args.add(p.expression());
        }
        return new Parsed(format, List.copyOf(args));
    }

    // --- tokens ---

    private static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != '"') {
                    j += s.charAt(j) == '\\' ? 2 : 1;
                }
                if (j >= s.length()) {
                    throw new IllegalArgumentException("unterminated string");
                }
                out.add(s.substring(i, j + 1));
                i = j + 1;
            } else if (c == '\'') {
                int j = s.indexOf('\'', i + 2);
                if (j < 0) {
                    throw new IllegalArgumentException("unterminated character");
                }
                out.add(s.substring(i, j + 1));
                i = j + 1;
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (Set.of("->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||").contains(two)) {
                    out.add(two);
                    i += 2;
                } else {
                    out.add(String.valueOf(c));
                    i++;
                }
            }
        }
        return out;
    }

    private String peek() {
        return at < tokens.size() ? tokens.get(at) : null;
    }

    private String peek(int ahead) {
        return at + ahead < tokens.size() ? tokens.get(at + ahead) : null;
    }

    private String next() {
        if (at >= tokens.size()) {
            throw new IllegalArgumentException("unexpected end");
        }
        return tokens.get(at++);
    }

    private void expect(String t) {
        String n = next();
        if (!n.equals(t)) {
            throw new IllegalArgumentException("expected " + t + ", found " + n);
        }
    }

    private boolean accept(String t) {
        if (t.equals(peek())) {
            at++;
            return true;
        }
        return false;
    }

    private String stringLiteral() {
        String t = next();
        if (!t.startsWith("\"")) {
            throw new IllegalArgumentException("expected a string, found " + t);
        }
        StringBuilder sb = new StringBuilder(t.substring(1, t.length() - 1));
        while (peek() != null && peek().startsWith("\"")) {
            String more = next();
            sb.append(more, 1, more.length() - 1);
        }
        return sb.toString();
    }

    // --- expressions, lowest precedence first ---

    private PrintArg expression() {
        PrintArg test = binary(0);
        if (accept("?")) {
            PrintArg then = expression();
            expect(":");
            PrintArg otherwise = expression();
            return new PrintArg.Cond(test, then, otherwise);
        }
        return test;
    }

    private static final List<Set<String>> LEVELS = List.of(Set.of("||"), Set.of("&&"), Set.of("|"), Set.of("^"),
            Set.of("&"), Set.of("==", "!="), Set.of("<", ">", "<=", ">="), Set.of("<<", ">>"), Set.of("+", "-"),
            Set.of("*", "/", "%"));

    private PrintArg binary(int level) {
        if (level == LEVELS.size()) {
            return unary();
        }
        PrintArg left = binary(level + 1);
        while (peek() != null && LEVELS.get(level).contains(peek())) {
            String op = next();
            left = new PrintArg.Op(op, left, binary(level + 1));
        }
        return left;
    }

    private PrintArg unary() {
        String t = peek();
        if ("!".equals(t) || "~".equals(t) || "-".equals(t) || "+".equals(t)) {
            next();
            PrintArg item = unary();
            return t.equals("+") ? item : t.equals("-") ? new PrintArg.Op("-", new PrintArg.Num(0), item)
                    : new PrintArg.Op(t, null, item);
        }
        if ("(".equals(t) && isType(at + 1)) {
            next();
            StringBuilder type = new StringBuilder();
            while (!")".equals(peek())) {
                String w = next();
                type.append(type.length() > 0 && !w.equals("*") ? " " : w.equals("*") ? " " : "").append(w);
            }
            next();
            return new PrintArg.Cast(type.toString(), unary());
        }
        return postfix(primary());
    }

    /** Whether the tokens from {@code i} up to a ')' form a type name. */
    private boolean isType(int i) {
        if (i >= tokens.size() || !(TYPE_WORDS.contains(tokens.get(i)) || tokens.get(i).endsWith("_t"))) {
            return false;
        }
        for (int j = i; j < tokens.size(); j++) {
            String w = tokens.get(j);
            if (w.equals(")")) {
                return true;
            }
            if (!w.equals("*") && !Character.isLetterOrDigit(w.charAt(0)) && w.charAt(0) != '_') {
                return false;
            }
        }
        return false;
    }

    private PrintArg postfix(PrintArg a) {
        while (true) {
            if (accept("[")) {
                PrintArg index = expression();
                expect("]");
                a = new PrintArg.Index(a, index);
            } else {
                return a;
            }
        }
    }

    private PrintArg primary() {
        String t = next();
        if (t.equals("(")) {
            PrintArg e = expression();
            expect(")");
            return e;
        }
        if (t.startsWith("\"")) {
            at--;
            return new PrintArg.Text(stringLiteral());
        }
        if (t.startsWith("'")) {
            return new PrintArg.Num(t.length() == 3 ? t.charAt(1) : 0);
        }
        if (Character.isDigit(t.charAt(0))) {
            return new PrintArg.Num(number(t));
        }
        if (t.equals("REC")) {
            expect("->");
            return new PrintArg.Field(next());
        }
        if (!"(".equals(peek())) {
            Long known = KNOWN_CONSTANTS.get(t);
            if (known == null) {
                throw new IllegalArgumentException("unknown name " + t);
            }
            return new PrintArg.Num(known);
        }
        next();
        PrintArg f = switch (t) {
            case "__print_flags", "__print_flags_u64" -> flags();
            case "__print_symbolic", "__print_symbolic_u64" -> symbolic();
            case "__get_str", "__get_rel_str" -> new PrintArg.StringOf(fieldName());
            case "__get_bitmask", "__get_rel_bitmask" -> new PrintArg.Bitmask(fieldName());
            case "__get_dynamic_array", "__get_rel_dynamic_array" -> new PrintArg.DynamicArray(fieldName());
            case "__get_dynamic_array_len", "__get_rel_dynamic_array_len" -> new PrintArg.DynamicArrayLength(fieldName());
            case "__print_hex", "__print_hex_str" -> {
                PrintArg data = expression();
                expect(",");
                yield new PrintArg.Hex(data, expression(), t.equals("__print_hex"));
            }
            case "__print_array" -> {
                PrintArg data = expression();
                expect(",");
                PrintArg count = expression();
                expect(",");
                yield new PrintArg.IntArray(data, count, expression());
            }
            default -> throw new IllegalArgumentException("unknown function " + t);
        };
        expect(")");
        return f;
    }

    /** The field a {@code __get_*} helper names: {@code name} or {@code REC->name}. */
    private String fieldName() {
        String t = next();
        if (t.equals("REC")) {
            expect("->");
            return next();
        }
        return t;
    }

    private PrintArg flags() {
        PrintArg value = expression();
        expect(",");
        String delim = stringLiteral();
        return new PrintArg.Flags(value, delim, named());
    }

    private PrintArg symbolic() {
        return new PrintArg.Symbolic(expression(), named());
    }

    private List<PrintArg.Named> named() {
        List<PrintArg.Named> out = new ArrayList<>();
        while (accept(",")) {
            expect("{");
            PrintArg v = expression();
            expect(",");
            String name = stringLiteral();
            expect("}");
            out.add(new PrintArg.Named(constant(v), name));
        }
        return out;
    }

    /** A constant expression's value (flag and symbol values). */
    private static long constant(PrintArg a) {
        return PrintFormat.constant(a);
    }

    static long number(String t) {
        String s = t.replaceAll("[uUlL]+$", "");
        if (s.startsWith("0x") || s.startsWith("0X")) {
            return Long.parseUnsignedLong(s.substring(2), 16);
        }
        if (s.length() > 1 && s.startsWith("0")) {
            return Long.parseUnsignedLong(s.substring(1), 8);
        }
        return Long.parseUnsignedLong(s);
    }
}
