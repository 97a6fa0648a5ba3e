package dev.textpoke.cli.code;

import dev.textpoke.cli.format.JsonLine;
import dev.textpoke.code.SymbolOffset;
import java.io.PrintWriter;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The lines of {@code textpoke text}, as {@code objdump -d} lays them out: {@code ADDR <sym>:}
 * where a symbol starts (or at the first line, with its offset), then {@code ADDR:} with at most
 * seven bytes per line and the instruction in fixed columns, longer instructions' bytes continued
 * on the next line; or one JSON object per instruction or gap.
 */
final class TextListing {
    /** objdump's bytes per line on x86. */
    private static final int BYTES_PER_LINE = 7;
    private static final int BYTES_WIDTH = BYTES_PER_LINE * 3;

    private final PrintWriter out;
    private final boolean json;
    /** No image and no run-time region at all: a gap is then for want of one. */
    private final boolean noImages;
    private boolean first = true;

    TextListing(PrintWriter out, boolean json, boolean noImages) {
        this.out = out;
        this.json = json;
        this.noImages = noImages;
    }

    void instruction(long addr, Optional<SymbolOffset> sym, byte[] bytes, String text) {
        if (json) {
            out.println(new JsonLine().putHex("addr", addr).put("length", bytes.length).put("symbol", name(sym))
                    .put("known", true).put("bytes", HexFormat.of().formatHex(bytes)).put("insn", text));
            return;
        }
        header(addr, sym);
        line(addr, bytes, text);
    }

    /** Bytes that decode to nothing; {@code unknownFrom} is where unknown bytes cut them short, if they do. */
    void undecodable(long addr, Optional<SymbolOffset> sym, byte[] bytes, OptionalLong unknownFrom) {
        String why = unknownFrom.isPresent()
                ? "(bad, or cut short: unknown bytes from " + Long.toHexString(unknownFrom.getAsLong()) + ")"
                : "(bad)";
        if (json) {
            out.println(new JsonLine().putHex("addr", addr).put("length", bytes.length).put("symbol", name(sym))
                    .put("known", true).put("bytes", HexFormat.of().formatHex(bytes)).putNull("insn"));
            return;
        }
        header(addr, sym);
        line(addr, bytes, why);
    }

    void gap(long addr, long length, Optional<SymbolOffset> sym) {
        if (json) {
            out.println(new JsonLine().putHex("addr", addr).put("length", length).put("symbol", name(sym))
                    .put("known", false).putNull("bytes").putNull("insn"));
            return;
        }
        header(addr, sym);
        String why = noImages ? "; no image was given or found: --kcore, --vmlinux, --image, --archive or"
                + " --module gives the kernel's code" : "";
        out.printf("%16x:  (no code known here at this time, %d bytes%s)%n", addr, length, why);
    }

    private static String name(Optional<SymbolOffset> sym) {
        return sym.map(Object::toString).orElse(null);
    }

    /** A {@code <symbol>:} line where a symbol starts, or for the first line of the listing. */
    private void header(long addr, Optional<SymbolOffset> sym) {
        if (sym.isPresent() && (first || sym.get().offset() == 0)) {
            if (!first) {
                out.println();
            }
            out.printf("%016x <%s>:%n", addr, sym.get());
        }
        first = false;
    }

    private void line(long addr, byte[] bytes, String text) {
        int n = Math.min(bytes.length, BYTES_PER_LINE);
        out.printf("%16x:  %-" + BYTES_WIDTH + "s %s%n", addr, hex(bytes, 0, n), text);
        for (int at = n; at < bytes.length; at += BYTES_PER_LINE) {
            out.printf("%16x:  %s%n", addr + at, hex(bytes, at, Math.min(bytes.length, at + BYTES_PER_LINE)));
        }
    }

    private static String hex(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            if (i > from) {
                sb.append(' ');
            }
            sb.append(Character.forDigit(b[i] >> 4 & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
        }
        return sb.toString();
    }
}
