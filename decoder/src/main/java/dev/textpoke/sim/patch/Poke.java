package dev.textpoke.sim.patch;

import dev.textpoke.code.SiteKind;
import dev.textpoke.io.Bytes;
import java.util.Objects;

/**
 * A code modification as the kernel announces it: a {@code PERF_RECORD_TEXT_POKE} to be written,
 * emitted by CPU {@code cpu} at {@code tsc} (its perf time is that TSC converted). Its time is the
 * protocol's switch point, not the time of any one physical write: for x86's INT3 protocol, after
 * the tail is written and before the first byte is (arch/x86/kernel/alternative.c,
 * {@code smp_text_poke_batch_finish}). Old length 0 announces new text (a kprobe slot filled), new
 * length 0 its release.
 */
public record Poke(long tsc, int cpu, long address, Bytes oldBytes, Bytes newBytes, SiteKind kind) {
    public Poke {
        Objects.requireNonNull(oldBytes, "oldBytes");
        Objects.requireNonNull(newBytes, "newBytes");
        Objects.requireNonNull(kind, "kind");
        if (oldBytes.isEmpty() && newBytes.isEmpty()) {
            throw new IllegalArgumentException("a poke changes at least one byte");
        }
    }
}
