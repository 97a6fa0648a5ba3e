package dev.textpoke.sim.asm;

import dev.textpoke.code.Symbol;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The bookkeeping both assemblers share: the bytes so far, labels bound to addresses, function
 * symbols (each from its start to the next function or {@link #endFunction}), and the lines of
 * source that say what each address holds (a label line, then each instruction). Anonymous labels
 * get source names in order of first use, with the assembler's local prefix. Not thread-safe.
 */
final class CodeLayout {
    private final long origin;
    private final String localPrefix;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<Label, Long> bound = new IdentityHashMap<>();
    private final List<Symbol> symbols = new ArrayList<>();
    private final List<AssembledCode.Line> lines = new ArrayList<>();
    private final Map<Label, String> names = new IdentityHashMap<>();
    private String openName;
    private long openStart;

    /** @param localPrefix the prefix of anonymous labels' source names ({@code L} for yasm, {@code .L} for GNU as) */
    CodeLayout(long origin, String localPrefix) {
        this.origin = origin;
        this.localPrefix = localPrefix;
    }

    long origin() {
        return origin;
    }

    /** The bytes so far; the assembler appends its instructions here. */
    ByteArrayOutputStream out() {
        return out;
    }

    long here() {
        return origin + out.size();
    }

    Label label() {
        return new Label(null);
    }

    Label label(String name) {
        return new Label(Objects.requireNonNull(name));
    }

    void bind(Label l) {
        if (bound.putIfAbsent(l, here()) != null) {
            throw new IllegalStateException("label " + l + " is bound twice");
        }
        lines.add(new AssembledCode.Line(here(), 0, name(l) + ":"));
    }

    Label mark() {
        Label l = label();
        bind(l);
        return l;
    }

    void function(Label l) {
        if (l.name() == null) {
            throw new IllegalArgumentException("a function needs a named label");
        }
        endFunction();
        bind(l);
        openName = l.name();
        openStart = here();
    }

    void endFunction() {
        if (openName != null) {
            symbols.add(new Symbol(openName, openStart, here() - openStart));
            openName = null;
        }
    }

    /** The label's name in the source: its own, or a local one. */
    String name(Label l) {
        return names.computeIfAbsent(l, k -> k.name() != null ? k.name() : localPrefix + names.size());
    }

    /** Where {@code l} is bound; an unbound label used by code is the caller's error. */
    long address(Label l) {
        Long at = bound.get(l);
        if (at == null) {
            throw new IllegalStateException("label " + l + " is used but never bound");
        }
        return at;
    }

    void line(long address, int length, String text) {
        lines.add(new AssembledCode.Line(address, length, text));
    }

    /** The finished code: {@code code} is the bytes with every reference resolved. */
    AssembledCode finish(byte[] code) {
        return new AssembledCode(origin, code, new IdentityHashMap<>(bound), List.copyOf(symbols), lines);
    }
}
