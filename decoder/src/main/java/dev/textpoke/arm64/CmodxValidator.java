package dev.textpoke.arm64;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Checks patches against the concurrent-modification rules of one {@link CmodxProfile}. */
public final class CmodxValidator {
    private static final Set<A64Class> CONDITIONAL = Set.of(A64Class.B_COND, A64Class.CBZ, A64Class.CBNZ,
            A64Class.TBZ, A64Class.TBNZ);

    private final CmodxProfile profile;

    public CmodxValidator(CmodxProfile profile) {
        this.profile = profile;
    }

    public CmodxProfile profile() {
        return profile;
    }

    public Verdict check(Patch p) {
        List<Finding> findings = new ArrayList<>(p.siteFindings());
        if (p.oldWords().size() != 1 || p.newWords().size() != 1) {
            findings.add(new Finding(CmodxRule.ONE_WORD, "the patch replaces " + p.oldWords().size()
                    + " word(s) with " + p.newWords().size() + "; only a single instruction is covered"));
        }
        if ((p.address() & 3) != 0) {
            findings.add(new Finding(CmodxRule.ALIGNED_WORD, "address 0x" + Long.toHexString(p.address())
                    + " is not 4-byte aligned"));
        }
        int n = Math.max(p.oldWords().size(), p.newWords().size());
        for (int i = 0; i < n; i++) {
            if (i < p.oldWords().size()) {
                membership(p.oldWords().get(i), "old", findings);
            }
            if (i < p.newWords().size()) {
                membership(p.newWords().get(i), "new", findings);
            }
        }
        switch (p.reach()) {
            case OUT_OF_RANGE -> findings.add(new Finding(CmodxRule.BRANCH_RANGE, "target 0x"
                    + Long.toHexString(p.target().orElse(0)) + " is "
                    + distanceText(p.target().orElse(0) - p.address())
                    + " away; the kernel would write AARCH64_BREAK_FAULT instead"));
            case UNKNOWN -> findings.add(new Finding(CmodxRule.BRANCH_RANGE,
                    "site and target lie in module regions allocated separately; the distance is only"
                            + " known at load time"));
            default -> { }
        }
        if (p.reach() == Patch.Reach.IN_RANGE && p.target().isPresent() && p.newWords().size() == 1) {
            int w = p.newWords().get(0);
            A64Class c = A64Class.of(w);
            if (c.isDirectBranch() && A64Words.target(w, p.address()) != p.target().getAsLong()) {
                findings.add(new Finding(CmodxRule.BRANCH_TARGET, String.format(
                        "new word %08x branches to 0x%x, not to the intended 0x%x", w,
                        A64Words.target(w, p.address()), p.target().getAsLong())));
            }
        }
        return new Verdict(p, profile, findings);
    }

    private void membership(int word, String which, List<Finding> findings) {
        A64Class c = A64Class.of(word);
        if (profile.contains(c)) {
            return;
        }
        CmodxRule rule;
        if (c == A64Class.OTHER_HINT) {
            rule = CmodxRule.HINT_IS_NOT_NOP;
        } else if (CONDITIONAL.contains(c) && profile == CmodxProfile.STRICT) {
            rule = CmodxRule.CONDITIONAL_BRANCH_NEEDS_EXTENDED;
        } else {
            rule = CmodxRule.OLD_OR_NEW_SET;
        }
        String what = c == A64Class.OTHER ? "an instruction outside the set" : c.manualName();
        findings.add(new Finding(rule, String.format("%s word %08x (%s) is not in the %s set", which, word,
                what, profile.name().toLowerCase(java.util.Locale.ROOT))));
    }

    private static String distanceText(long d) {
        return (d < 0 ? "-" : "+") + String.format("%.1f MiB", Math.abs(d) / (1024.0 * 1024.0));
    }
}
