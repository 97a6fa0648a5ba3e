package dev.textpoke.scenario.protocol;

import dev.textpoke.scenario.workload.PatchSite;
import dev.textpoke.sim.patch.Patch;

/** One site of a batch, switched from state {@code from} to state {@code to}. */
public record SitePatch(PatchSite site, String from, String to) {
    /** The bytes replaced, as the simulator's patch. */
    public Patch patch() {
        return new Patch(site.address(), site.bytes(from), site.bytes(to), site.kind());
    }
}
