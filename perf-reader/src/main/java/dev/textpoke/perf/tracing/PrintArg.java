package dev.textpoke.perf.tracing;

import java.util.List;

/**
 * An argument of a tracepoint's {@code print fmt}: the C expressions the kernel's TP_printk gives
 * after the format string, as libtraceevent parses them ({@code struct tep_print_arg}).
 */
sealed interface PrintArg {
    /** A number literal. */
    record Num(long value) implements PrintArg {}

    /** A word the parser does not know (a kernel constant's name): strtoull gives 0 for it. */
    record Atom(String text) implements PrintArg {}

    /** A string literal (adjacent literals joined). */
    record Text(String value) implements PrintArg {}

    /** {@code REC->name}; {@code field} is the event's field of that name when the format was parsed with its fields. */
    record Field(String name, FormatField field) implements PrintArg {}

    /** A unary ({@code left} null) or binary operator. */
    record Op(String op, PrintArg left, PrintArg right) implements PrintArg {}

    /** {@code test ? then : otherwise}. */
    record Cond(PrintArg test, PrintArg then, PrintArg otherwise) implements PrintArg {}

    /** {@code array[index]}. */
    record Index(PrintArg array, PrintArg index) implements PrintArg {}

    /** {@code (type) item}. */
    record Cast(String type, PrintArg item) implements PrintArg {}

    /** One {@code { value, "name" }} of __print_flags and __print_symbolic. */
    record Named(long value, String name) {}

    /** {@code __print_flags(value, delim, {v, "s"}...)}. */
    record Flags(PrintArg value, String delim, List<Named> flags) implements PrintArg {}

    /** {@code __print_symbolic(value, {v, "s"}...)}. */
    record Symbolic(PrintArg value, List<Named> symbols) implements PrintArg {}

    /** {@code __get_str(field)}, {@code __get_rel_str(field)}. */
    record StringOf(String field) implements PrintArg {}

    /** {@code __get_bitmask(field)}. */
    record Bitmask(String field) implements PrintArg {}

    /** {@code __get_dynamic_array(field)}: the data a {@code __data_loc} field points at. */
    record DynamicArray(String field) implements PrintArg {}

    /** {@code __get_dynamic_array_len(field)}. */
    record DynamicArrayLength(String field) implements PrintArg {}

    /** {@code __print_hex(data, len)} (bytes spaced) and {@code __print_hex_str} (not). */
    record Hex(PrintArg data, PrintArg length, boolean spaced) implements PrintArg {}

    /** {@code __print_array(data, count, element_size)}. */
    record IntArray(PrintArg data, PrintArg count, PrintArg elementSize) implements PrintArg {}
}
