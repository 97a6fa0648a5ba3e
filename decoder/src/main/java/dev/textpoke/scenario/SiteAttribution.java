package dev.textpoke.scenario;

import dev.textpoke.scenario.protocol.Phase;
import dev.textpoke.scenario.score.Attribution;
import dev.textpoke.scenario.score.Decoded;
import dev.textpoke.scenario.score.Run;
import dev.textpoke.scenario.score.Truth;
import dev.textpoke.scenario.workload.BuiltProgram;
import dev.textpoke.scenario.workload.PatchSite;
import dev.textpoke.io.Bytes;
import dev.textpoke.sim.patch.Poke;
import java.util.List;
import java.util.Map;

/**
 * Attributes a stretch of a decode to the patch site that caused it and the protocol phase the
 * site was in: the site is one whose bytes the stretch, or the instructions just before it, ran or
 * decoded (else the site whose phase is nearest in time); the phase is the one of that site holding
 * the stretch's time on its CPU (or the last one before it). The reason compares what was decoded
 * at the site with what ran there, and says when the decoder's switch was.
 */
final class SiteAttribution implements Attribution {
    private final BuiltProgram program;
    private final List<Phase> phases;
    private final List<Poke> announced;
    private final String decoder;

    SiteAttribution(BuiltProgram program, List<Phase> phases, List<Poke> announced, String decoder) {
        this.program = program;
        this.phases = phases;
        this.announced = announced;
        this.decoder = decoder;
    }

    @Override
    public Cause explain(Run.Kind kind, int cpu, long tsc, List<Truth> truth, List<Decoded> decoded) {
        PatchSite site = null;
        Decoded atSiteDecoded = null;
        Truth atSiteRan = null;
        for (Decoded d : decoded) {
            PatchSite s = siteOf(d.address());
            if (s != null) {
                site = s;
                atSiteDecoded = d;
                break;
            }
        }
        for (int i = truth.size() - 1; i >= 0; i--) {
            PatchSite s = siteOf(truth.get(i).address());
            if (s != null && (site == null || s == site)) {
                site = s;
                atSiteRan = truth.get(i);
                break;
            }
        }
        if (site == null) {
            site = nearestInTime(tsc, cpu);
        }
        if (site == null) {
            return new Cause("-", "-", kind == Run.Kind.MISSED ? "lost in a desynchronisation" : "");
        }
        String phase = phaseOf(site, tsc, cpu);
        String why;
        switch (kind) {
            case AMBIGUOUS -> why = "several readings of " + site.name() + " fit the trace";
            case MISSED -> why = "executed but not decoded: lost in a desynchronisation after " + site.name();
            default -> {
                String ran = atSiteRan == null ? null : state(site, atSiteRan.hex());
                String dec = atSiteDecoded == null ? null : state(site, atSiteDecoded.hex());
                StringBuilder sb = new StringBuilder();
                if (dec != null || ran != null) {
                    sb.append(decoder).append(" read ").append(site.name()).append(" as ")
                            .append(dec == null ? "?" : dec).append(" where ").append(ran == null ? "?" : ran).append(" ran");
                } else {
                    sb.append(decoder).append(" lost the flow after ").append(site.name());
                }
                Poke p = lastPokeBefore(site, tsc);
                Poke n = firstPokeAfter(site, tsc);
                if (p != null && dec != null && ran != null && !dec.equals(ran)) {
                    sb.append(" (the switch was at ").append(p.tsc()).append(", the instructions ran from ").append(tsc)
                            .append(")");
                } else if (n != null && dec != null && ran != null && !dec.equals(ran)) {
                    sb.append(" (the instructions ran from ").append(tsc).append(", before the switch at ").append(n.tsc())
                            .append(")");
                }
                why = sb.toString();
            }
        }
        return new Cause(site.name(), phase, why);
    }

    private PatchSite siteOf(long address) {
        for (PatchSite s : program.sites()) {
            if (address >= s.address() && address < s.address() + s.length()) {
                return s;
            }
        }
        return null;
    }

    private PatchSite nearestInTime(long tsc, int cpu) {
        Phase best = null;
        long bestD = Long.MAX_VALUE;
        for (Phase ph : phases) {
            if (ph.cpu() >= 0 && ph.cpu() != cpu) {
                continue;
            }
            long d = tsc < ph.from() ? ph.from() - tsc : tsc >= ph.to() ? tsc - ph.to() : 0;
            if (d < bestD) {
                bestD = d;
                best = ph;
            }
        }
        return best == null ? null : program.siteAt(best.address());
    }

    private String phaseOf(PatchSite site, long tsc, int cpu) {
        Phase before = null;
        Phase any = null;
        for (Phase ph : phases) {
            if (ph.address() != site.address()) {
                continue;
            }
            if (ph.contains(tsc, cpu)) {
                if (ph.cpu() == cpu || any == null) {
                    any = ph;
                }
            } else if ((ph.cpu() < 0 || ph.cpu() == cpu) && ph.to() <= tsc && (before == null || ph.to() > before.to())) {
                before = ph;
            }
        }
        if (any != null) {
            return "batch " + any.batch() + ": " + any.name();
        }
        if (before != null) {
            return "after batch " + before.batch();
        }
        return "before any batch";
    }

    /** The site's state whose bytes {@code hex} starts with, or the bytes when none (a torn mix, a breakpoint). */
    private static String state(PatchSite site, String hex) {
        for (Map.Entry<String, Bytes> e : site.states().entrySet()) {
            if (hex.startsWith(e.getValue().hex()) || e.getValue().hex().startsWith(hex)) {
                return site.key() + "=" + e.getKey();
            }
        }
        if (hex.startsWith("cc")) {
            return "int3";
        }
        return "bytes " + hex;
    }

    private Poke lastPokeBefore(PatchSite site, long tsc) {
        Poke best = null;
        for (Poke p : announced) {
            if (p.address() == site.address() && p.tsc() <= tsc && (best == null || p.tsc() > best.tsc())) {
                best = p;
            }
        }
        return best;
    }

    private Poke firstPokeAfter(PatchSite site, long tsc) {
        Poke best = null;
        for (Poke p : announced) {
            if (p.address() == site.address() && p.tsc() > tsc && (best == null || p.tsc() < best.tsc())) {
                best = p;
            }
        }
        return best;
    }
}
