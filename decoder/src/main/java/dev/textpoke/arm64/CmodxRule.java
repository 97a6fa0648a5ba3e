package dev.textpoke.arm64;

/**
 * The rules a patch is checked against, each named after the clause it encodes and quoting its
 * source (in the manner of libipt's named errata). A verdict lists the rules a patch breaks.
 */
public enum CmodxRule {
    /**
     * Both the instruction before and the one after the modification must be in the profile's set
     * (Arm ARM DDI 0487 B2.2.5: otherwise a racing CPU may behave as "any sequence of instructions
     * that can be executed from the same Exception level").
     */
    OLD_OR_NEW_SET("cmodx.old-or-new-set",
            "Arm ARM DDI 0487 B2.2.5: the old-or-new guarantee holds only when each of the old and the new"
                    + " instruction is in the set"),
    /**
     * The set names NOP, which is HINT #0 exactly; BTI, PACIASP and other hints are different
     * instructions (Arm ARM C6.2 HINT: "hints ... other than NOP"; the pre-4.x kernel helper
     * {@code aarch64_insn_hotpatch_safe} accepted them through a lax {@code aarch64_insn_is_nop}).
     */
    HINT_IS_NOT_NOP("cmodx.hint-is-not-nop",
            "Arm ARM DDI 0487 B2.2.5 names NOP (0xd503201f); other HINT encodings (BTI, PAC*) are not in the set"),
    /**
     * B.cond, CBZ, CBNZ, TBZ and TBNZ are in the set only in the later text of B2.2.5; under the
     * strict profile they break the guarantee (pass {@code --extended} to accept them).
     */
    CONDITIONAL_BRANCH_NEEDS_EXTENDED("cmodx.conditional-branch-revision",
            "B.cond, CBZ, CBNZ, TBZ, TBNZ are in the B2.2.5 set only from a later DDI 0487 revision (see --extended)"),
    /**
     * The guarantee is per instruction and per single-copy-atomic write: a patch of more than one
     * word is several modifications, and a racing CPU may execute a mix of old and new words
     * (Arm ARM B2.2.5 speaks of "the instruction"; B2.2.1 single-copy atomicity is per aligned word).
     */
    ONE_WORD("cmodx.one-instruction",
            "Arm ARM DDI 0487 B2.2.5 guarantees old-or-new per instruction: a multi-word patch can be seen half-done"),
    /**
     * The store must be one aligned 32-bit write: A64 instructions are word-aligned, an unaligned
     * write is not single-copy atomic (Arm ARM B2.2.1), and {@code aarch64_insn_patch_text_nosync}
     * returns -EINVAL when {@code addr & 3} (arch/arm64/kernel/patching.c).
     */
    ALIGNED_WORD("cmodx.aligned-word",
            "Arm ARM DDI 0487 B2.2.1: only an aligned word write is single-copy atomic; patching.c rejects addr & 3"),
    /**
     * B and BL reach PC ± 128 MiB (imm26 × 4, Arm ARM C6.2 B, BL); the kernel's
     * {@code aarch64_insn_gen_branch_imm} writes {@code AARCH64_BREAK_FAULT} instead when the target
     * is out of range, so an unreachable target is a broken patch even though BRK is in the set.
     */
    BRANCH_RANGE("a64.branch-range",
            "Arm ARM DDI 0487 C6.2 B/BL: the target must be within +/-128 MiB of the branch"),
    /**
     * The branch word must go where the patch means it to go (a jump-label entry's target, an
     * intended target given in a patches file): otherwise the patch is not the one described.
     */
    BRANCH_TARGET("a64.branch-target",
            "the branch word's imm26 must encode the intended target (jump_entry.target, or b:/bl: in a patches file)"),
    /** The site's word in the image must be the word the patch expects to replace. */
    OLD_WORD("site.old-word",
            "the word at the site must be the old word the kernel expects (a jump-label site holds NOP or B)");

    private final String id;
    private final String clause;

    CmodxRule(String id, String clause) {
        this.id = id;
        this.clause = clause;
    }

    /** Short stable name, printed in text and JSON output. */
    public String id() {
        return id;
    }

    /** The clause it encodes and where it comes from. */
    public String clause() {
        return clause;
    }
}
