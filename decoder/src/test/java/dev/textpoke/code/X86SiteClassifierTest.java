package dev.textpoke.code;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.textpoke.io.Bytes;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Byte patterns as the kernel writes them: {@code x86_nops[]} in {@code arch/x86/kernel/alternative.c}
 * ({@code BYTES_NOP2 = 66 90}, {@code BYTES_NOP5 = 0f 1f 44 00 00}), {@code JMP8_INSN_OPCODE eb},
 * {@code JMP32_INSN_OPCODE e9}, {@code CALL_INSN_OPCODE e8}, {@code RET_INSN_OPCODE c3},
 * {@code INT3_INSN_OPCODE cc} ({@code arch/x86/include/asm/text-patching.h}).
 */
class X86SiteClassifierTest {
    private final X86SiteClassifier classifier = new X86SiteClassifier();

    private SiteKind kind(String old, String neu, String symbol, long offset) {
        return classifier.classify(Bytes.ofHex(old), Bytes.ofHex(neu), Optional.empty(),
                symbol == null ? Optional.empty() : Optional.of(new SymbolOffset(symbol, offset)), Optional.empty());
    }

    @Test
    void jumpLabels() {
        assertEquals(SiteKind.JUMP_LABEL_2, kind("6690", "eb10", "schedule", 0x40));
        assertEquals(SiteKind.JUMP_LABEL_2, kind("eb10", "6690", "schedule", 0x40));
        assertEquals(SiteKind.JUMP_LABEL_5, kind("0f1f440000", "e9a0010000", "schedule", 0x40));
        assertEquals(SiteKind.JUMP_LABEL_5, kind("e9a0010000", "0f1f440000", null, 0));
    }

    /**
     * Without the site's symbol (no kernel image, only the trampoline's KSYMBOL), a call into an
     * ftrace trampoline still says the site is ftrace's; a call elsewhere stays a static call.
     */
    @Test
    void aCallIntoAnFtraceTrampolineIsAnFtraceSite() {
        // e8 fb ff 3f 3f at ffffffff81000000: ffffffff81000005 + 0x3f3ffffb = ffffffffc0400000
        assertEquals(Optional.of(0xffffffffc0400000L), classifier.callTarget(0xffffffff81000000L,
                Bytes.ofHex("0f1f440000"), Bytes.ofHex("e8fbff3f3f")));
        assertEquals(SiteKind.FTRACE, classifier.classify(Bytes.ofHex("0f1f440000"), Bytes.ofHex("e8fbff3f3f"),
                Optional.empty(), Optional.empty(), Optional.of(new SymbolOffset("ftrace_trampoline", 0))));
        assertEquals(SiteKind.STATIC_CALL, classifier.classify(Bytes.ofHex("0f1f440000"), Bytes.ofHex("e8fbff3f3f"),
                Optional.empty(), Optional.empty(), Optional.of(new SymbolOffset("__x64_sys_read", 0))));
    }

    @Test
    void ftraceSitesAreCallsAtAFunctionsEntry() {
        assertEquals(SiteKind.FTRACE, kind("0f1f440000", "e8fbc7ff3e", "__kmalloc", 0));
        // After endbr64 in kernels built with IBT.
        assertEquals(SiteKind.FTRACE, kind("e8fbc7ff3e", "0f1f440000", "__kmalloc", 4));
        // The call inside ftrace_caller retargeted from ftrace_stub to a tracer.
        assertEquals(SiteKind.FTRACE, kind("e811111111", "e822222222", "ftrace_caller", 0x6e));
    }

    @Test
    void staticCalls() {
        assertEquals(SiteKind.STATIC_CALL, kind("e811111111", "e822222222", "perf_event_task_tick", 0x3d));
        assertEquals(SiteKind.STATIC_CALL, kind("0f1f440000", "e822222222", "perf_event_task_tick", 0x3d));
        assertEquals(SiteKind.STATIC_CALL, kind("e911111111", "c3cccccccc", "__SCT__pv_steal_clock", 0));
        assertEquals(SiteKind.STATIC_CALL, kind("e911111111", "e922222222", null, 0));
    }

    @Test
    void kprobes() {
        assertEquals(SiteKind.KPROBE_ARM, kind("55", "cc", "do_sys_open", 0));
        assertEquals(SiteKind.KPROBE_DISARM, kind("cc", "55", "do_sys_open", 0));
        assertEquals(SiteKind.KPROBE_OPTIMIZE, kind("cc4889e541", "e900100000", "do_sys_open", 0));
        assertEquals(SiteKind.KPROBE_UNOPTIMIZE, kind("e900100000", "cc4889e541", "do_sys_open", 0));
    }

    @Test
    void outOfLineTextAndBpf() {
        assertEquals(SiteKind.TRAMPOLINE_CREATE, kind("", "c3", null, 0));
        assertEquals(SiteKind.TRAMPOLINE_FREE, kind("c3", "", null, 0));
        Region prog = new Region("bpf_prog_x", RegionType.BPF, 0xffffffffc0000000L, 64, 0, 10, Optional.empty());
        assertEquals(SiteKind.BPF_TEXT, classifier.classify(Bytes.ofHex("0f1f440000"), Bytes.ofHex("e811111111"),
                Optional.of(prog), Optional.of(new SymbolOffset("bpf_prog_x", 0)), Optional.empty()));
    }

    @Test
    void anythingElseIsOther() {
        assertEquals(SiteKind.OTHER, kind("909090", "cccccc", null, 0));
        assertEquals(SiteKind.OTHER, kind("0f1f440000", "0f1f440000", null, 0));
        assertEquals(SiteKind.OTHER, kind("4889e5", "90", null, 0));
    }
}
