package dev.textpoke.scenario.protocol;

import dev.textpoke.sim.ViewFactory;
import dev.textpoke.sim.code.CodeView;
import dev.textpoke.sim.code.Insn;
import dev.textpoke.sim.exec.AsyncKind;
import dev.textpoke.sim.exec.ExecutionListener;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What an arm64 CPU other than the patcher fetches at a word that was stored but that it has not
 * synchronised with: the store is in memory (and the patcher, after its own cache maintenance,
 * runs the new word), but until the CPU takes an exception after the store's sync IPI (exception
 * entry is context-synchronising; {@code kick_all_cpus_sync}), each fetch may return the word
 * before the store or after it, independently (Arm ARM B2.2.5: old or new for a word in the CMODX
 * set; herdtools7 catalogue/aarch64-ifetch {@code coFF} Allowed: a later fetch may see an older
 * value). The choice is drawn from the CPU's own seeded stream. Records each CPU's window.
 */
final class UnsyncedStores implements ViewFactory, ExecutionListener {
    /** A word stored at {@code storeTsc}, synchronised by the IPI sent at {@code syncTsc}. */
    record Store(String site, long address, byte[] before, byte[] after, long storeTsc, long syncTsc, int batch) {}

    private final List<Store> stores;
    private final int patcher;
    private final long ipiHandler;
    private final long seed;
    private CodeView base;
    private ViewFactory.Context context;
    private List<List<Store>> open;
    private int[] next;
    private SplittableRandom[] rnd;
    private final List<Window> windows = new ArrayList<>();
    private final byte[] buf = new byte[4];

    UnsyncedStores(List<Store> stores, int patcher, long ipiHandler, long seed) {
        this.stores = new ArrayList<>(stores);
        this.stores.sort(Comparator.comparingLong(Store::storeTsc));
        this.patcher = patcher;
        this.ipiHandler = ipiHandler;
        this.seed = seed;
    }

    @Override
    public CodeView wrap(CodeView memoryView, Context ctx) {
        base = memoryView;
        context = ctx;
        open = new ArrayList<>();
        next = new int[ctx.cpus()];
        rnd = new SplittableRandom[ctx.cpus()];
        for (int c = 0; c < ctx.cpus(); c++) {
            open.add(new ArrayList<>());
            rnd[c] = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c * 31 + 7);
        }
        return this::fetch;
    }

    private Insn fetch(int cpu, long ip, long tsc) {
        if (cpu == patcher) {
            return base.fetch(cpu, ip, tsc);
        }
        List<Store> mine = advance(cpu, tsc);
        if (mine.isEmpty()) {
            return base.fetch(cpu, ip, tsc);
        }
        List<Store> here = null;
        for (Store s : mine) {
            if (s.address() == ip) {
                if (here == null) {
                    here = new ArrayList<>();
                }
                here.add(s);
            }
        }
        if (here == null) {
            return base.fetch(cpu, ip, tsc);
        }
        // Any word from before the oldest open store to the newest one.
        int pick = rnd[cpu].nextInt(here.size() + 1);
        if (pick == here.size()) {
            return base.fetch(cpu, ip, tsc);
        }
        byte[] w = pick == 0 ? here.get(0).before() : here.get(pick - 1).after();
        System.arraycopy(w, 0, buf, 0, 4);
        return context.table().intern(ip, buf, 0, 4, context.classifier().classify(buf, 0, 4, ip));
    }

    /** The stores open for {@code cpu} at {@code tsc} (the patcher's own are never open). */
    private List<Store> advance(int cpu, long tsc) {
        List<Store> mine = open.get(cpu);
        while (next[cpu] < stores.size() && stores.get(next[cpu]).storeTsc() <= tsc) {
            mine.add(stores.get(next[cpu]++));
        }
        return mine;
    }

    @Override
    public void asyncBranch(int cpu, long tsc, long from, long to, AsyncKind kind, int outcome) {
        if (kind != AsyncKind.INTERRUPT || to != ipiHandler || open == null || cpu == patcher) {
            return;
        }
        List<Store> mine = advance(cpu, tsc);
        for (int i = mine.size() - 1; i >= 0; i--) {
            Store s = mine.get(i);
            if (s.syncTsc() <= tsc) {
                windows.add(new Window(s.site(), s.address(), s.batch(), cpu, s.storeTsc(), tsc));
                mine.remove(i);
            }
        }
    }

    @Override
    public void halt(int cpu, long tsc, long ip, dev.textpoke.sim.exec.HaltReason reason) {
        if (open == null || cpu == patcher) {
            return;
        }
        for (Store s : advance(cpu, tsc)) {
            windows.add(new Window(s.site(), s.address(), s.batch(), cpu, s.storeTsc(), tsc));
        }
        open.get(cpu).clear();
    }

    /** Each CPU's windows, once the run is over. */
    List<Window> windows() {
        List<Window> w = new ArrayList<>(windows);
        w.sort(Comparator.comparingLong(Window::from).thenComparingInt(Window::cpu));
        return w;
    }
}
