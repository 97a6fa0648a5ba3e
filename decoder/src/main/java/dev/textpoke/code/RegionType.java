package dev.textpoke.code;

/**
 * What a region announced at run time holds, after {@code enum perf_record_ksymbol_type} in
 * {@code include/uapi/linux/perf_event.h}.
 */
public enum RegionType {
    /** {@code PERF_RECORD_KSYMBOL_TYPE_BPF}: a BPF program, trampoline or dispatcher. */
    BPF,
    /** {@code PERF_RECORD_KSYMBOL_TYPE_OOL}: out-of-line code (kprobe_insn_page,
     *  kprobe_optinsn_page, ftrace_trampoline), filled by TEXT_POKE records. */
    OUT_OF_LINE,
    /** {@code PERF_RECORD_KSYMBOL_TYPE_UNKNOWN} or a type newer than this list. */
    OTHER
}
