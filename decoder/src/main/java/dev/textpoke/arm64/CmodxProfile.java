package dev.textpoke.arm64;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which instructions the architecture lets one CPU replace while another may be executing them,
 * with the guarantee that the other CPU executes either the old or the new instruction.
 */
public enum CmodxProfile {
    /**
     * B, BL, BRK, HVC, ISB, NOP, SMC, SVC: Arm ARM DDI 0487 B2.2.5 "Concurrent modification and
     * execution of instructions", as quoted on LKML by Will Deacon (2020-04-06,
     * 20200406141020.GB3178@willie-the-truck) and in OpenJDK's aarch64 trampoline_call comment.
     * Every revision since carries at least this list.
     */
    STRICT("DDI 0487 B2.2.5 (list quoted 2020: B, BL, BRK, HVC, ISB, NOP, SMC, SVC)",
            EnumSet.of(A64Class.B, A64Class.BL, A64Class.BRK, A64Class.HVC, A64Class.ISB, A64Class.NOP,
                    A64Class.SMC, A64Class.SVC)),
    /**
     * The strict list plus B.cond, CBZ, CBNZ, TBZ, TBNZ: DDI 0487 B2.2.5 in a later revision, as
     * quoted by herdtools7 ({@code herd/AArch64Arch_herd.ml}, {@code is_cmodx_restricted_instruction},
     * added 2023-04-26). The revision that first carries it is after the 2020 text above and no later
     * than the one herd quoted in 2023; its issue letter is not verified here. Newer texts add more
     * (CB&lt;cc&gt;, UDF, TRCIT) that this profile does not include.
     */
    EXTENDED("DDI 0487 B2.2.5 (revision quoted by herdtools7 2023-04: adds B.cond, CBZ, CBNZ, TBZ, TBNZ)",
            EnumSet.of(A64Class.B, A64Class.BL, A64Class.BRK, A64Class.HVC, A64Class.ISB, A64Class.NOP,
                    A64Class.SMC, A64Class.SVC, A64Class.B_COND, A64Class.CBZ, A64Class.CBNZ,
                    A64Class.TBZ, A64Class.TBNZ));

    private final String source;
    private final Set<A64Class> members;

    CmodxProfile(String source, Set<A64Class> members) {
        this.source = source;
        this.members = members;
    }

    public boolean contains(A64Class c) {
        return members.contains(c);
    }

    /** The manual text and revision this profile encodes. */
    public String source() {
        return source;
    }
}
