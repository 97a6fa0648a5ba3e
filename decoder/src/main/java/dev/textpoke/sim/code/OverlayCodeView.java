package dev.textpoke.sim.code;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.WindowSide;
import dev.textpoke.isa.InstructionClassifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Memory as {@code base} shows it, except where a {@link CodeOverlay} applies: a CPU inside an
 * overlay's time range fetching at an address whose instruction bytes it covers decodes memory's
 * bytes with the overlay's laid over them (later overlays in the list over earlier ones).
 *
 * <p>Each CPU keeps the overlays active at its time; while none is, a fetch costs one list check
 * more than {@code base}'s. Fetches inside overlays disassemble each time (they are rare: a few
 * instructions per patch window). Times must not decrease per CPU, as the executor guarantees.
 * Not thread-safe.
 */
public final class OverlayCodeView implements CodeView {
    private static final int MAX_LENGTH = 15;

    private final CodeView base;
    private final CodeTimeline memory;
    private final InstructionClassifier classifier;
    private final InsnTable table;
    private final List<List<CodeOverlay>> pending = new ArrayList<>();
    private final List<List<CodeOverlay>> active = new ArrayList<>();
    private final int[] next;
    private final long[] horizon;
    private final byte[] buffer = new byte[MAX_LENGTH];

    /**
     * @param base     the view outside overlays (usually a {@link TimelineCodeView} over {@code memory})
     * @param memory   the bytes under the overlays
     */
    public OverlayCodeView(CodeView base, CodeTimeline memory, InstructionClassifier classifier,
            InsnTable table, int cpus, List<CodeOverlay> overlays) {
        this.base = base;
        this.memory = memory;
        this.classifier = classifier;
        this.table = table;
        next = new int[cpus];
        horizon = new long[cpus];
        for (int c = 0; c < cpus; c++) {
            List<CodeOverlay> mine = new ArrayList<>();
            for (CodeOverlay o : overlays) {
                if (o.cpu() == CodeOverlay.ALL_CPUS || o.cpu() == c) {
                    mine.add(o);
                }
            }
            mine.sort(Comparator.comparingLong(CodeOverlay::from));
            pending.add(mine);
            active.add(new ArrayList<>());
            horizon[c] = mine.isEmpty() ? Long.MAX_VALUE : mine.get(0).from();
        }
    }

    @Override
    public Insn fetch(int cpu, long ip, long tsc) {
        if (tsc < horizon[cpu]) {
            return base.fetch(cpu, ip, tsc);
        }
        List<CodeOverlay> act = active.get(cpu);
        advance(cpu, tsc, act);
        boolean hit = false;
        for (int i = 0; i < act.size() && !hit; i++) {
            hit = act.get(i).overlaps(ip, MAX_LENGTH);
        }
        if (!hit) {
            return base.fetch(cpu, ip, tsc);
        }
        int known = memory.read(ip, tsc, WindowSide.NEW, buffer, 0, MAX_LENGTH);
        int overlaid = known;
        for (CodeOverlay o : act) {
            for (int k = 0; k < o.bytes().length(); k++) {
                long a = o.address() + k;
                long off = a - ip;
                if (off >= 0 && off < MAX_LENGTH) {
                    buffer[(int) off] = (byte) o.bytes().get(k);
                    if (off == overlaid) {
                        overlaid++;
                    }
                }
            }
        }
        int n = Math.max(known, overlaid);
        return table.intern(ip, buffer, 0, n, classifier.classify(buffer, 0, n, ip));
    }

    /** Activates overlays that started by {@code tsc}, drops those that ended; sets the next horizon. */
    private void advance(int cpu, long tsc, List<CodeOverlay> act) {
        List<CodeOverlay> mine = pending.get(cpu);
        int i = next[cpu];
        while (i < mine.size() && mine.get(i).from() <= tsc) {
            act.add(mine.get(i++));
        }
        next[cpu] = i;
        act.removeIf(o -> o.to() <= tsc);
        long h = i < mine.size() ? mine.get(i).from() : Long.MAX_VALUE;
        for (CodeOverlay o : act) {
            h = Math.min(h, o.to());
        }
        // While overlays are active, every fetch checks them: the horizon is now.
        horizon[cpu] = act.isEmpty() ? h : Long.MIN_VALUE;
    }
}
