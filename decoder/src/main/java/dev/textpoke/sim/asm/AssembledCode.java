package dev.textpoke.sim.asm;

import dev.textpoke.code.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Machine code an {@link Assembler} produced: its bytes at {@link #origin()}, its function
 * symbols, the address of every bound label, and one line of yasm source per instruction, label and
 * datum, from which yasm reproduces the same bytes.
 */
public final class AssembledCode {
    /** One instruction or datum (or a label, with length 0) at its address, as yasm source. */
    public record Line(long address, int length, String text) {}

    private final long origin;
    private final byte[] bytes;
    private final Map<Label, Long> labels;
    private final List<Symbol> symbols;
    private final List<Line> lines;

    AssembledCode(long origin, byte[] bytes, Map<Label, Long> labels, List<Symbol> symbols,
            List<Line> lines) {
        this.origin = origin;
        this.bytes = bytes;
        this.labels = labels;
        this.symbols = List.copyOf(symbols);
        this.lines = List.copyOf(lines);
    }

    public long origin() {
        return origin;
    }

    /** A copy of the machine code. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** The address {@code l} was bound to. */
    public long address(Label l) {
        Long a = labels.get(l);
        if (a == null) {
            throw new IllegalArgumentException("label " + l + " is not bound in this code");
        }
        return a;
    }

    /** The functions started with {@link Assembler#function}, with their sizes. */
    public List<Symbol> symbols() {
        return symbols;
    }

    /** Every instruction, datum and label in address order. */
    public List<Line> lines() {
        return lines;
    }

    /** The addresses at which instructions or data start (labels left out). */
    public List<Long> starts() {
        List<Long> s = new ArrayList<>();
        for (Line l : lines) {
            if (l.length() > 0) {
                s.add(l.address());
            }
        }
        return s;
    }

    /** A yasm program ({@code bits 64}, {@code org}) that assembles to exactly these bytes. */
    public String yasmSource() {
        StringBuilder s = new StringBuilder("[bits 64]\n[org 0x").append(Long.toHexString(origin)).append("]\n");
        for (Line l : lines) {
            s.append(l.length() == 0 ? "" : "    ").append(l.text()).append('\n');
        }
        return s.toString();
    }
}
