package dev.textpoke.code;

/** What kind of code site a modification changes, as far as its bytes and place tell. */
public enum SiteKind {
    /** A 2-byte jump label: {@code nop2} and {@code jmp rel8} swapped. */
    JUMP_LABEL_2("jump-label-2"),
    /** A 5-byte jump label: {@code nop5} and {@code jmp rel32} swapped. */
    JUMP_LABEL_5("jump-label-5"),
    /** An A64 jump label: {@code nop} and {@code b} swapped. */
    JUMP_LABEL_4("jump-label-4"),
    /** A static call site or trampoline retargeted ({@code call}/{@code jmp}/{@code ret}/nop). */
    STATIC_CALL("static-call"),
    /** An ftrace call site or ftrace trampoline call toggled ({@code nop5} and {@code call}). */
    FTRACE("ftrace"),
    /** A kprobe armed: the first byte replaced by {@code int3} (or an A64 {@code brk}). */
    KPROBE_ARM("kprobe-arm"),
    /** A kprobe disarmed: the {@code int3} replaced by the original byte. */
    KPROBE_DISARM("kprobe-disarm"),
    /** An optimized kprobe: its {@code int3} replaced by a {@code jmp} to the detour buffer. */
    KPROBE_OPTIMIZE("kprobe-optimize"),
    /** An optimized kprobe reverted: the {@code jmp} replaced by {@code int3} and the old tail. */
    KPROBE_UNOPTIMIZE("kprobe-unoptimize"),
    /** Code inside a BPF program, trampoline or dispatcher. */
    BPF_TEXT("bpf-text"),
    /** New out-of-line text filled in (old length 0): an ftrace trampoline or kprobe slot. */
    TRAMPOLINE_CREATE("trampoline-create"),
    /** Out-of-line text released (new length 0). */
    TRAMPOLINE_FREE("trampoline-free"),
    /** None of the above. */
    OTHER("other");

    private final String label;

    SiteKind(String label) {
        this.label = label;
    }

    /** The name used in text and JSON output, e.g. {@code jump-label-5}. */
    public String label() {
        return label;
    }
}
