package dev.textpoke.perf.tracing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses the arguments of a {@code print fmt} as libtraceevent does (tools/lib/traceevent/
 * event-parse.c: {@code process_arg_token}, {@code process_op}, {@code process_paren}, {@code
 * process_cond}, {@code process_flags}, {@code process_fields}), so that the values come out as
 * perf script prints them. Its operator handling is not C's: an operand that is itself an
 * operation, parentheses or not, is rotated when its operator binds less tightly ({@code a & (b |
 * c)} is read as {@code (a & b) | c}), and the false branch of {@code ?:} is a single operand.
 * perf prints what that reading gives, and so does this. Functions other than the {@code
 * __print_*} and {@code __get_*} helpers are refused: the event then prints as libtraceevent
 * prints an event it failed to parse.
 */
final class TepParser {
    private enum Type { NONE, ITEM, DQUOTE, SQUOTE, OP, DELIM }

    /** A node while parsing: mutable, because libtraceevent rotates nodes in place. */
    private static final class N {
        String kind; // atom, field, op, type, flags, symbol, string, bitmask, dynarray, dynarray_len, hex, hex_str, int_array
        String text; // atom text, field name, op, type name, helper field
        N left;
        N right;
        int prio;
        String delim;
        List<PrintArg.Named> named;
        N a;
        N b;
        N c;

        void copy(N o) {
            kind = o.kind;
            text = o.text;
            left = o.left;
            right = o.right;
            prio = o.prio;
            delim = o.delim;
            named = o.named;
            a = o.a;
            b = o.b;
            c = o.c;
        }
    }

    /** A token and its type. */
    private record Tok(Type type, String text) {}

    private final String in;
    private int pos;
    /** The event's fields, to bind {@code REC->name} to once. */
    private final Map<String, FormatField> fields;

    private TepParser(String in, Map<String, FormatField> fields) {
        this.in = in;
        this.fields = fields;
    }

    /** The format string and the arguments of {@code "fmt", arg, arg...}. */
    record Parsed(String format, List<PrintArg> args) {}

    static Parsed parse(String line, Map<String, FormatField> fields) {
        TepParser p = new TepParser(line, fields);
        Tok t = p.read();
        if (t.type() != Type.DQUOTE) {
            throw new IllegalArgumentException("print fmt does not start with a string");
        }
        String format = t.text();
        List<PrintArg> args = new ArrayList<>();
        t = p.read();
        // event_read_print_args: comma-separated arguments
        while (t.type() == Type.DELIM && t.text().equals(",")) {
            N arg = new N();
            Tok[] tok = {null};
            Type type = p.processArg(arg, tok);
            while (type == Type.OP) {
                type = p.processOp(arg, tok);
            }
            args.add(p.convert(arg));
            t = tok[0];
            if (t == null || type == Type.NONE) {
                break;
            }
        }
        return new Parsed(format, List.copyOf(args));
    }

    // --- tokens (__read_token) ---

    private static Type typeOf(int ch) {
        if (ch < 0) {
            return Type.NONE;
        }
        if (Character.isWhitespace(ch)) {
            return null; // space
        }
        if (Character.isLetterOrDigit(ch) || ch == '_') {
            return Type.ITEM;
        }
        if (ch == '\'') {
            return Type.SQUOTE;
        }
        if (ch == '"') {
            return Type.DQUOTE;
        }
        if (ch < 0x20 || ch > 0x7e) {
            return Type.NONE;
        }
        if (ch == '(' || ch == ')' || ch == ',') {
            return Type.DELIM;
        }
        return Type.OP;
    }

    private int peekChar() {
        return pos < in.length() ? in.charAt(pos) : -1;
    }

    private Tok read() {
        while (pos < in.length() && Character.isWhitespace(in.charAt(pos))) {
            pos++;
        }
        if (pos >= in.length()) {
            return new Tok(Type.NONE, null);
        }
        int ch = in.charAt(pos++);
        Type type = typeOf(ch);
        if (type == Type.NONE) {
            return new Tok(Type.NONE, null);
        }
        StringBuilder buf = new StringBuilder().append((char) ch);
        switch (type) {
            case DELIM:
                return new Tok(type, buf.toString());
            case OP:
                switch (ch) {
                    case '-':
                        if (peekChar() == '>') {
                            buf.append(in.charAt(pos++));
                            return new Tok(type, buf.toString());
                        }
                        // fall through
                    case '+', '|', '&', '>', '<': {
                        if (peekChar() != ch) {
                            testEqual(buf);
                            return new Tok(type, buf.toString());
                        }
                        buf.append(in.charAt(pos++));
                        if (ch == '>' || ch == '<') {
                            testEqual(buf);
                        }
                        return new Tok(type, buf.toString());
                    }
                    case '!', '=':
                        testEqual(buf);
                        return new Tok(type, buf.toString());
                    default:
                        return new Tok(type, buf.toString());
                }
            case DQUOTE:
            case SQUOTE: {
                buf.setLength(0);
                int quote = ch;
                while (true) {
                    int last = 0;
                    while (pos < in.length()) {
                        int c = in.charAt(pos++);
                        if (c == quote && last != '\\') {
                            break;
                        }
                        buf.append((char) c);
                        last = c == '\\' && last == '\\' ? 0 : c;
                    }
                    if (type != Type.DQUOTE) {
                        break;
                    }
                    // adjacent strings are one
                    int save = pos;
                    while (pos < in.length() && Character.isWhitespace(in.charAt(pos))) {
                        pos++;
                    }
                    if (pos < in.length() && in.charAt(pos) == '"') {
                        pos++;
                        continue;
                    }
                    pos = save;
                    break;
                }
                return new Tok(type, buf.toString());
            }
            default:
                while (pos < in.length() && typeOf(in.charAt(pos)) == Type.ITEM) {
                    buf.append(in.charAt(pos++));
                }
                return new Tok(type, buf.toString());
        }
    }

    private void testEqual(StringBuilder buf) {
        if (peekChar() == '=') {
            buf.append(in.charAt(pos++));
        }
    }

    // --- process_arg and friends ---

    private Type processArg(N arg, Tok[] tok) {
        Tok t = read();
        tok[0] = t;
        return processArgToken(arg, tok);
    }

    private Type processArgToken(N arg, Tok[] tok) {
        Tok t = tok[0];
        switch (t.type()) {
            case ITEM -> {
                if (t.text().equals("REC")) {
                    Tok arrow = read();
                    if (!"->".equals(arrow.text())) {
                        throw new IllegalArgumentException("REC without ->");
                    }
                    Tok field = read();
                    arg.kind = "field";
                    arg.text = field.text();
                    tok[0] = read();
                    return tok[0].type();
                }
                StringBuilder atom = new StringBuilder(t.text());
                Tok next = read();
                if (next.type() == Type.DELIM && next.text().equals("(")) {
                    return processFunction(arg, atom.toString(), tok);
                }
                while (next.type() == Type.ITEM) {
                    atom.append(' ').append(next.text());
                    next = read();
                }
                arg.kind = "atom";
                arg.text = atom.toString();
                tok[0] = next;
                return next.type();
            }
            case DQUOTE, SQUOTE -> {
                arg.kind = "atom";
                arg.text = t.text();
                arg.prio = t.type() == Type.DQUOTE ? 1 : 2; // marks a string literal
                tok[0] = read();
                return tok[0].type();
            }
            case DELIM -> {
                if (t.text().equals("(")) {
                    return processParen(arg, tok);
                }
                throw new IllegalArgumentException("unexpected " + t.text());
            }
            case OP -> {
                arg.kind = "op";
                arg.text = t.text();
                arg.left = null;
                return processOp(arg, tok);
            }
            default -> throw new IllegalArgumentException("unexpected end");
        }
    }

    private Type processParen(N arg, Tok[] tok) {
        Type type = processArg(arg, tok);
        if (type == Type.OP) {
            type = processOp(arg, tok);
        }
        if (type != Type.DELIM || !tok[0].text().equals(")")) {
            throw new IllegalArgumentException("expected )");
        }
        Tok next = read();
        // An item or an open paren after ")" makes this a typecast.
        if (next.type() == Type.ITEM || next.type() == Type.DQUOTE || next.type() == Type.SQUOTE
                || (next.type() == Type.DELIM && next.text().equals("("))) {
            if (!"atom".equals(arg.kind)) {
                throw new IllegalArgumentException("a cast to something not a type");
            }
            N item = new N();
            String typeName = arg.text;
            tok[0] = next;
            Type t = processArgToken(item, tok);
            arg.kind = "type";
            arg.text = typeName;
            arg.a = item;
            return t;
        }
        tok[0] = next;
        return next.type();
    }

    private static int opPrio(String op) {
        if (op.length() == 1) {
            return switch (op.charAt(0)) {
                case '~', '!' -> 4;
                case '*', '/', '%' -> 6;
                case '+', '-' -> 7;
                case '<', '>' -> 9;
                case '&' -> 11;
                case '^' -> 12;
                case '|' -> 13;
                case '?' -> 16;
                default -> throw new IllegalArgumentException("unknown op " + op);
            };
        }
        return switch (op) {
            case "++", "--" -> 3;
            case ">>", "<<" -> 8;
            case ">=", "<=" -> 9;
            case "==", "!=" -> 10;
            case "&&" -> 14;
            case "||" -> 15;
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
    }

    private static final java.util.Set<String> BINARY = java.util.Set.of(">>", "<<", "&", "|", "&&", "||", "-", "+",
            "*", "^", "/", "%", "<", ">", "<=", ">=", "==", "!=");

    private Type processOp(N arg, Tok[] tok) {
        String token = tok[0].text();
        N right = null;
        Type type;
        if ("op".equals(arg.kind) && arg.left == null) {
            // a unary operator: ~ ! + -
            if (token.length() != 1 || "~!+-".indexOf(token.charAt(0)) < 0) {
                throw new IllegalArgumentException("bad op " + token);
            }
            N left = new N();
            left.kind = "null";
            arg.left = left;
            right = new N();
            arg.right = right;
            type = processArg(right, tok);
        } else if (token.equals("?")) {
            N left = new N();
            left.copy(arg);
            arg.kind = "op";
            arg.text = "?";
            arg.left = left;
            arg.prio = 0;
            type = processCond(arg, tok);
        } else if (BINARY.contains(token)) {
            N left = new N();
            left.copy(arg);
            arg.kind = "op";
            arg.text = token;
            arg.left = left;
            arg.right = null;
            arg.prio = opPrio(token);
            Tok next = read();
            tok[0] = next;
            if (token.equals("*") && next.type() == Type.DELIM && next.text().equals(")")) {
                // "(void *)": a pointer type
                if (!"atom".equals(left.kind)) {
                    throw new IllegalArgumentException("bad pointer type");
                }
                arg.copy(left);
                arg.text = left.text + " *";
                return next.type();
            }
            right = new N();
            type = processArgToken(right, tok);
            if ("op".equals(right.kind) && opPrio(arg.text) < opPrio(right.text)) {
                // rotate ops according to the priority (parentheses or not)
                arg.right = right.left;
                N tmp = new N();
                tmp.copy(arg);
                arg.copy(right);
                right.copy(tmp);
                arg.left = right;
            } else {
                arg.right = right;
            }
        } else if (token.equals("[")) {
            N left = new N();
            left.copy(arg);
            arg.kind = "op";
            arg.text = "[";
            arg.left = left;
            arg.prio = 0;
            N index = new N();
            type = processArg(index, tok);
            while (type == Type.OP && !tok[0].text().equals("]")) {
                type = processOp(index, tok);
            }
            if (!"]".equals(tok[0].text())) {
                throw new IllegalArgumentException("expected ]");
            }
            arg.right = index;
            tok[0] = read();
            type = tok[0].type();
        } else {
            throw new IllegalArgumentException("unknown op " + token);
        }
        if (type == Type.OP && !tok[0].text().equals(":")) {
            // higher prios need to be closer to the root
            int prio = opPrio(tok[0].text());
            if (prio > arg.prio) {
                return processOp(arg, tok);
            }
            return processOp(right, tok);
        }
        return type;
    }

    private Type processCond(N top, Tok[] tok) {
        N cond = new N();
        cond.kind = "op";
        N left = new N();
        N right = new N();
        cond.left = left;
        cond.right = right;
        Type type = processArg(left, tok);
        while (type == Type.OP && !tok[0].text().equals(":")) {
            type = processOp(left, tok);
        }
        if (type != Type.OP || !tok[0].text().equals(":")) {
            throw new IllegalArgumentException("expected :");
        }
        cond.text = ":";
        type = processArg(right, tok);
        top.right = cond;
        return type;
    }

    private Type processFunction(N arg, String name, Tok[] tok) {
        switch (name) {
            case "__print_flags", "__print_flags_u64" -> {
                N field = new N();
                Type t = processArg(field, tok);
                while (t == Type.OP) {
                    t = processOp(field, tok);
                }
                expectDelim(tok, ",");
                Tok delim = read();
                String d = "";
                if (delim.type() == Type.ITEM || delim.type() == Type.DQUOTE || delim.type() == Type.SQUOTE) {
                    d = delim.text();
                    delim = read();
                }
                tok[0] = delim;
                expectDelim(tok, ",");
                arg.kind = "flags";
                arg.a = field;
                arg.delim = d;
                arg.named = fields(tok);
                expectDelim(tok, ")");
                tok[0] = read();
                return tok[0].type();
            }
            case "__print_symbolic", "__print_symbolic_u64" -> {
                N field = new N();
                Type t = processArg(field, tok);
                while (t == Type.OP) {
                    t = processOp(field, tok);
                }
                expectDelim(tok, ",");
                arg.kind = "symbol";
                arg.a = field;
                arg.named = fields(tok);
                expectDelim(tok, ")");
                tok[0] = read();
                return tok[0].type();
            }
            case "__get_str", "__get_rel_str", "__get_bitmask", "__get_rel_bitmask", "__get_dynamic_array",
                "__get_rel_dynamic_array", "__get_dynamic_array_len", "__get_rel_dynamic_array_len" -> {
                Tok f = read();
                if (f.type() == Type.ITEM && f.text().equals("REC")) {
                    read();
                    f = read();
                }
                arg.kind = switch (name) {
                    case "__get_str", "__get_rel_str" -> "string";
                    case "__get_bitmask", "__get_rel_bitmask" -> "bitmask";
                    case "__get_dynamic_array_len", "__get_rel_dynamic_array_len" -> "dynarray_len";
                    default -> "dynarray";
                };
                arg.text = f.text();
                tok[0] = read();
                expectDelim(tok, ")");
                tok[0] = read();
                return tok[0].type();
            }
            case "__print_hex", "__print_hex_str", "__print_array" -> {
                List<N> parts = new ArrayList<>();
                int n = name.equals("__print_array") ? 3 : 2;
                for (int i = 0; i < n; i++) {
                    N p = new N();
                    Type t = processArg(p, tok);
                    while (t == Type.OP) {
                        t = processOp(p, tok);
                    }
                    expectDelim(tok, i < n - 1 ? "," : ")");
                    parts.add(p);
                }
                arg.kind = name.equals("__print_array") ? "int_array" : name.equals("__print_hex") ? "hex" : "hex_str";
                arg.a = parts.get(0);
                arg.b = parts.get(1);
                arg.c = n == 3 ? parts.get(2) : null;
                tok[0] = read();
                return tok[0].type();
            }
            default -> throw new IllegalArgumentException("function " + name + " not defined");
        }
    }

    private void expectDelim(Tok[] tok, String d) {
        if (tok[0] == null || !d.equals(tok[0].text())) {
            throw new IllegalArgumentException("expected " + d);
        }
    }

    /** {@code {value, "name"}, ...}: process_fields. */
    private List<PrintArg.Named> fields(Tok[] tok) {
        List<PrintArg.Named> out = new ArrayList<>();
        do {
            Tok open = read();
            if (!"{".equals(open.text())) {
                tok[0] = open;
                break;
            }
            N value = new N();
            Type t = processArg(value, tok);
            if (t == Type.OP) {
                t = processOp(value, tok);
            }
            expectDelim(tok, ",");
            N str = new N();
            t = processArg(str, tok);
            if (!"}".equals(tok[0].text())) {
                throw new IllegalArgumentException("expected }");
            }
            out.add(new PrintArg.Named(flagValue(value), "atom".equals(str.kind) ? str.text : ""));
            tok[0] = read();
        } while (tok[0].type() == Type.DELIM && tok[0].text().equals(","));
        return out;
    }

    /**
     * A flag's value as libtraceevent gets it: {@code arg_eval} then {@code eval_flag} (a number,
     * one of a few known names, else -1, which never matches).
     */
    private long flagValue(N value) {
        if ("atom".equals(value.kind) && !value.text.isEmpty() && !Character.isDigit(value.text.charAt(0))) {
            Long known = KNOWN.get(value.text);
            return known == null ? -1 : known;
        }
        return PrintFormat.constant(convert(value));
    }

    /** Names eval_flag knows when a format leaves them unconverted. */
    private static final Map<String, Long> KNOWN = Map.ofEntries(Map.entry("HI_SOFTIRQ", 0L),
            Map.entry("TIMER_SOFTIRQ", 1L), Map.entry("NET_TX_SOFTIRQ", 2L), Map.entry("NET_RX_SOFTIRQ", 3L),
            Map.entry("BLOCK_SOFTIRQ", 4L), Map.entry("IRQ_POLL_SOFTIRQ", 5L), Map.entry("TASKLET_SOFTIRQ", 6L),
            Map.entry("SCHED_SOFTIRQ", 7L), Map.entry("HRTIMER_SOFTIRQ", 8L), Map.entry("RCU_SOFTIRQ", 9L),
            Map.entry("HRTIMER_NORESTART", 0L), Map.entry("HRTIMER_RESTART", 1L));

    /** The parse tree as the evaluator's immutable arguments. */
    private PrintArg convert(N n) {
        switch (n.kind) {
            case "atom":
                if (n.prio == 1) {
                    return new PrintArg.Text(n.text);
                }
                return atom(n.text);
            case "null":
                return new PrintArg.Num(0);
            case "field":
                return new PrintArg.Field(n.text, fields.get(n.text));
            case "type":
                return new PrintArg.Cast(n.text, convert(n.a));
            case "flags":
                return new PrintArg.Flags(convert(n.a), n.delim, n.named);
            case "symbol":
                return new PrintArg.Symbolic(convert(n.a), n.named);
            case "string":
                return new PrintArg.StringOf(n.text);
            case "bitmask":
                return new PrintArg.Bitmask(n.text);
            case "dynarray":
                return new PrintArg.DynamicArray(n.text);
            case "dynarray_len":
                return new PrintArg.DynamicArrayLength(n.text);
            case "hex":
            case "hex_str":
                return new PrintArg.Hex(convert(n.a), convert(n.b), n.kind.equals("hex"));
            case "int_array":
                return new PrintArg.IntArray(convert(n.a), convert(n.b), convert(n.c));
            case "op":
                if (n.text.equals("?")) {
                    N branches = n.right;
                    return new PrintArg.Cond(convert(n.left), convert(branches.left), convert(branches.right));
                }
                if (n.text.equals("[")) {
                    return new PrintArg.Index(convert(n.left), convert(n.right));
                }
                PrintArg left = n.left == null || "null".equals(n.left.kind) ? null : convert(n.left);
                return new PrintArg.Op(n.text, left, convert(n.right));
            default:
                throw new IllegalArgumentException("cannot evaluate " + n.kind);
        }
    }

    /** An atom: a number as strtoull reads it (suffixes ignored), else a word. */
    private static PrintArg atom(String text) {
        if (!text.isEmpty() && Character.isDigit(text.charAt(0))) {
            try {
                return new PrintArg.Num(number(text));
            } catch (NumberFormatException e) {
                return new PrintArg.Atom(text);
            }
        }
        return new PrintArg.Atom(text);
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
