package dev.textpoke.arm64;

import java.util.List;
import java.util.OptionalLong;

/**
 * One modification of code: at {@code address}, the words {@code oldWords} are replaced by
 * {@code newWords} (32-bit A64 instructions, as numbers; little-endian in memory). One word is the
 * normal case; more than one describes a multi-word patch.
 *
 * @param image          the file the patch was found in (or the patches file)
 * @param region         for a kernel module, the module memory region the address is relative to
 *                       ({@code MOD_TEXT}, {@code MOD_INIT_TEXT}); null when the address is absolute
 * @param section        the ELF section holding the site, or null
 * @param sectionOffset  the site's offset in {@code section}; -1 when there is no section
 * @param symbol         the function and offset of the site ({@code "vsock_close+0x8"}), or null
 * @param runtime        true when the patch is made while the code is live (a runtime toggle);
 *                       false for a load-time patch made before the code can run
 * @param visibility     what synchronisation follows the store
 * @param target         where a branch word is meant to go, when known (jump-label target, an
 *                       intended target in a patches file)
 * @param reach          whether {@code target} is within reach of a B/BL at {@code address}
 * @param siteFindings   problems found at the site itself (unexpected old word, branch not going
 *                       where the entry says), added to the verdict
 * @param note           a short explanation for humans (which kernel path makes the patch)
 */
public record Patch(String image, String region, long address, String section, long sectionOffset,
        String symbol,
        PatchKind kind, List<Integer> oldWords, List<Integer> newWords, boolean runtime,
        Visibility visibility, OptionalLong target, Reach reach, List<Finding> siteFindings, String note) {

    public Patch {
        oldWords = List.copyOf(oldWords);
        newWords = List.copyOf(newWords);
        siteFindings = List.copyOf(siteFindings);
    }

    /** Whether a B/BL at the site can reach the intended target. */
    public enum Reach {
        /** No intended target, or the new word is not a B/BL. */
        NOT_APPLICABLE,
        IN_RANGE,
        OUT_OF_RANGE,
        /** Site and target are in module regions allocated separately: the distance is decided at load. */
        UNKNOWN
    }
}
