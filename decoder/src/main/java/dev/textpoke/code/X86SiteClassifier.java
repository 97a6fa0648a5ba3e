package dev.textpoke.code;

import dev.textpoke.io.Bytes;
import java.util.Optional;

/**
 * Site kinds of x86-64 kernel text pokes, from the byte patterns the kernel writes:
 * jump labels swap {@code x86_nops[2]}/{@code x86_nops[5]} with {@code jmp rel8}/{@code jmp rel32}
 * ({@code arch/x86/kernel/jump_label.c}); ftrace swaps the nop5 at a function's entry with {@code
 * call rel32} ({@code arch/x86/kernel/ftrace.c}); static calls retarget a {@code call} or {@code
 * jmp} or make it a nop or {@code ret} ({@code arch/x86/kernel/static_call.c}, trampolines named
 * {@code __SCT__*}); kprobes write {@code int3} over the first byte and optprobes a {@code jmp}
 * ({@code arch/x86/kernel/kprobes/}).
 */
public final class X86SiteClassifier implements SiteClassifier {
    private static final int INT3 = 0xcc;
    private static final int JMP8 = 0xeb;
    private static final int JMP32 = 0xe9;
    private static final int CALL32 = 0xe8;
    private static final int RET = 0xc3;
    private static final Bytes NOP2 = Bytes.ofHex("6690");
    private static final Bytes NOP5 = Bytes.ofHex("0f1f440000");
    /** {@code endbr64} is 4 bytes: the ftrace site follows it in IBT kernels. */
    private static final long ENDBR_LENGTH = 4;

    /** The 5-byte relative call's target in {@code newBytes} (else {@code oldBytes}), if either is one. */
    @Override
    public Optional<Long> callTarget(long address, Bytes oldBytes, Bytes newBytes) {
        for (Bytes b : new Bytes[] {newBytes, oldBytes}) {
            if (b.length() == 5 && b.get(0) == CALL32) {
                int rel = b.get(1) | b.get(2) << 8 | b.get(3) << 16 | b.get(4) << 24;
                return Optional.of(address + 5 + rel);
            }
        }
        return Optional.empty();
    }

    @Override
    public SiteKind classify(Bytes oldBytes, Bytes newBytes, Optional<Region> region,
            Optional<SymbolOffset> symbol, Optional<SymbolOffset> callee) {
        if (oldBytes.isEmpty()) {
            return SiteKind.TRAMPOLINE_CREATE;
        }
        if (newBytes.isEmpty()) {
            return SiteKind.TRAMPOLINE_FREE;
        }
        if (region.isPresent() && region.get().type() == RegionType.BPF) {
            return SiteKind.BPF_TEXT;
        }
        int o = oldBytes.get(0);
        int n = newBytes.get(0);
        int length = oldBytes.length();
        if (length != newBytes.length()) {
            return SiteKind.OTHER;
        }
        if (length == 1 && n == INT3) {
            return SiteKind.KPROBE_ARM;
        }
        if (length == 1 && o == INT3) {
            return SiteKind.KPROBE_DISARM;
        }
        if (length == 2 && (oldBytes.equals(NOP2) && n == JMP8 || o == JMP8 && newBytes.equals(NOP2))) {
            return SiteKind.JUMP_LABEL_2;
        }
        if (length != 5) {
            return SiteKind.OTHER;
        }
        if (o == INT3 && n == JMP32) {
            return SiteKind.KPROBE_OPTIMIZE;
        }
        if (o == JMP32 && n == INT3) {
            return SiteKind.KPROBE_UNOPTIMIZE;
        }
        String name = symbol.map(SymbolOffset::name).orElse("");
        if (name.startsWith("__SCT__")) {
            return SiteKind.STATIC_CALL;
        }
        boolean oldNop = oldBytes.equals(NOP5);
        boolean newNop = newBytes.equals(NOP5);
        if (oldNop && n == JMP32 || o == JMP32 && newNop) {
            return SiteKind.JUMP_LABEL_5;
        }
        if (oldNop && newNop) {
            return SiteKind.OTHER;
        }
        boolean calls = (oldNop || o == CALL32) && (newNop || n == CALL32);
        if (calls) {
            boolean atEntry = symbol.isPresent()
                    && (symbol.get().offset() == 0 || symbol.get().offset() == ENDBR_LENGTH);
            boolean intoFtrace = callee.isPresent() && callee.get().name().contains("ftrace");
            return atEntry || name.contains("ftrace") || intoFtrace ? SiteKind.FTRACE : SiteKind.STATIC_CALL;
        }
        boolean staticCallShapes = (o == JMP32 || o == CALL32 || o == RET || oldNop)
                && (n == JMP32 || n == CALL32 || n == RET || newNop);
        return staticCallShapes ? SiteKind.STATIC_CALL : SiteKind.OTHER;
    }
}
