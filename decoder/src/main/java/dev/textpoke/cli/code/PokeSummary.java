package dev.textpoke.cli.code;

import dev.textpoke.code.AppliedModification;
import dev.textpoke.code.SiteKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Counts of the modifications listed by {@code pokes --check}: per kind of site, per check outcome. */
final class PokeSummary {
    private final Map<SiteKind, Integer> kinds = new EnumMap<>(SiteKind.class);
    private int total;
    private int matched;
    private int mismatched;
    private int notCovered;

    void add(AppliedModification a) {
        total++;
        kinds.merge(a.modification().kind(), 1, Integer::sum);
        switch (a.check().outcome()) {
            case MATCHED -> matched++;
            case MISMATCHED -> mismatched++;
            case NOT_COVERED -> notCovered++;
        }
    }

    int mismatched() {
        return mismatched;
    }

    /** {@code "10 modifications (jump-label-5 4, ...); old bytes: 9 matched, 1 mismatched, 0 not covered"} */
    @Override
    public String toString() {
        String perKind = kinds.entrySet().stream().map(e -> e.getKey().label() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        return total + " modifications" + (perKind.isEmpty() ? "" : " (" + perKind + ")") + "; old bytes: "
                + matched + " matched, " + mismatched + " mismatched, " + notCovered + " not covered";
    }
}
