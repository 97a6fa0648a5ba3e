package dev.textpoke.scenario.fuzz;

import dev.textpoke.scenario.protocol.Protocol;
import dev.textpoke.scenario.spec.KeyInfo;
import dev.textpoke.scenario.spec.Scenario;
import dev.textpoke.scenario.spec.ScheduleEntry;
import dev.textpoke.scenario.spec.Timing;
import dev.textpoke.scenario.workload.Stmt;
import dev.textpoke.scenario.workload.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Random scenarios, from a seed: a few functions calling later ones (so no recursion) with loops,
 * conditionals, 2- and 5-byte jump labels, ftrace sites and static calls over a handful of keys;
 * two to four CPUs; a few interrupts, some timed into a batch; a schedule flipping random keys,
 * its entries {@link #SPACING} ticks or more apart so that every protocol's batch ends before the
 * next; random timing from fine to perf's default.
 */
public final class RandomScenario {
    /** Ticks between schedule entries: more than the slowest protocol's batch (stop_machine's rendezvous). */
    public static final long SPACING = 12_000;

    private final SplittableRandom rnd;
    private final Map<String, KeyInfo> keys = new LinkedHashMap<>();
    private final List<String> leaves = new ArrayList<>();

    private RandomScenario(long seed) {
        rnd = new SplittableRandom(seed);
    }

    /**
     * The scenario of {@code seed}, named {@code fuzz-SEED}, to be run under {@code protocol} (whose
     * interrupt handlers only return in user space, where an interrupt runs kernel code).
     */
    public static Scenario generate(long seed, Protocol protocol) {
        return new RandomScenario(seed).build(seed, protocol.name(), protocol.userSpace());
    }

    private Scenario build(long seed, String protocol, boolean user) {
        int nf = 2 + rnd.nextInt(5);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < nf; i++) {
            names.add("f" + i);
        }
        // The last functions are leaves: static call targets and interrupt handlers.
        int nLeaves = 2;
        for (int i = 0; i < nLeaves; i++) {
            leaves.add("leaf" + i);
        }
        Map<String, Workload.Function> fns = new LinkedHashMap<>();
        for (int i = 0; i < nf; i++) {
            List<String> callees = new ArrayList<>(names.subList(i + 1, nf));
            callees.addAll(leaves);
            fns.put(names.get(i), new Workload.Function(names.get(i), body(callees, 0, 2 + rnd.nextInt(4)), 0));
        }
        for (String l : leaves) {
            fns.put(l, new Workload.Function(l, List.of(new Stmt.Work(1 + rnd.nextInt(4), 0)), 0));
        }
        // The CPUs reach every function: the first two call the rest.
        for (int i = 2; i < nf; i++) {
            String caller = names.get(i % 2);
            List<Stmt> b = new ArrayList<>(fns.get(caller).body());
            b.add(new Stmt.Call(names.get(i), 0));
            fns.put(caller, new Workload.Function(caller, b, 0));
        }
        if (nf > 1) {
            List<Stmt> b = new ArrayList<>(fns.get("f0").body());
            b.add(new Stmt.Call("f1", 0));
            fns.put("f0", new Workload.Function("f0", b, 0));
        }
        int cpus = 2 + rnd.nextInt(3);
        List<String> runs = new ArrayList<>();
        for (int c = 0; c < cpus; c++) {
            runs.add(names.get(rnd.nextInt(Math.min(2, nf))));
        }
        if (keys.isEmpty()) {
            // Every scenario patches something: a jump label at the top of the first function.
            List<Stmt> b = new ArrayList<>(fns.get("f0").body());
            b.add(0, new Stmt.JumpLabel("k0", 5, List.of(new Stmt.Work(2, 0)), 0));
            keys.put("k0", new KeyInfo("k0", "jump_label", List.of("false", "true"), "false", 0));
            fns.put("f0", new Workload.Function("f0", b, 0));
        }
        int entries = 1 + rnd.nextInt(5);
        long duration = SPACING * (entries + 2) + rnd.nextInt(20_000);
        List<ScheduleEntry> schedule = new ArrayList<>();
        Map<String, String> state = new LinkedHashMap<>();
        keys.values().forEach(k -> state.put(k.key(), k.initial()));
        long at = 2_000 + rnd.nextInt(8_000);
        for (int e = 0; e < entries; e++) {
            Map<String, String> set = new LinkedHashMap<>();
            List<String> ks = new ArrayList<>(keys.keySet());
            int n = 1 + rnd.nextInt(Math.min(3, ks.size()));
            for (int i = 0; i < n; i++) {
                KeyInfo k = keys.get(ks.remove(rnd.nextInt(ks.size())));
                List<String> others = new ArrayList<>(k.states());
                others.remove(state.get(k.key()));
                String v = others.get(rnd.nextInt(others.size()));
                set.put(k.key(), v);
                state.put(k.key(), v);
            }
            schedule.add(new ScheduleEntry(at, set, 0));
            at += SPACING + rnd.nextInt(8_000);
        }
        List<Workload.Irq> irqs = new ArrayList<>();
        for (int i = 0, n = rnd.nextInt(4); i < n; i++) {
            int cpu = rnd.nextInt(cpus);
            String handler = user || rnd.nextBoolean() ? null : leaves.get(rnd.nextInt(leaves.size()));
            if (rnd.nextBoolean()) {
                irqs.add(new Workload.Irq(cpu, rnd.nextInt(3_000), rnd.nextInt(entries), 0, handler, 0));
            } else {
                irqs.add(new Workload.Irq(cpu, rnd.nextInt(5_000), -1, 4_000 + rnd.nextInt(10_000), handler, 0));
            }
        }
        Timing timing = new Timing(true, rnd.nextInt(4), rnd.nextInt(4) == 0, 0, 2 + rnd.nextInt(2), rnd.nextInt(4) != 0,
                6 + rnd.nextInt(5), 1024 << rnd.nextInt(3), rnd.nextInt(4));
        return new Scenario("fuzz-" + seed, "fuzz-" + seed + ".json", "random scenario of seed " + seed, seed, duration, 0,
                List.of(protocol), timing, new Workload(fns, runs, irqs), keys, schedule);
    }

    private List<Stmt> body(List<String> callees, int depth, int n) {
        List<Stmt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int pick = rnd.nextInt(depth >= 2 ? 4 : 8);
            switch (pick) {
                case 0, 1 -> out.add(new Stmt.Work(1 + rnd.nextInt(5), 0));
                case 2 -> out.add(new Stmt.Call(callees.get(rnd.nextInt(callees.size())), 0));
                case 3 -> out.add(jumpLabel(callees, depth));
                case 4 -> out.add(new Stmt.Loop(2 + rnd.nextInt(6), body(callees, depth + 1, 1 + rnd.nextInt(2)), 0));
                case 5 -> out.add(new Stmt.If(rnd.nextInt(9) / 8.0, body(callees, depth + 1, 1 + rnd.nextInt(2)),
                        rnd.nextBoolean() ? body(callees, depth + 1, 1) : List.of(), 0));
                case 6 -> {
                    String k = "trace" + rnd.nextInt(2);
                    if (register(k, "ftrace", List.of("false", "true"), "false")) {
                        out.add(new Stmt.Ftrace(k, 0));
                    }
                }
                default -> {
                    String k = "call" + rnd.nextInt(2);
                    List<String> targets = new ArrayList<>(leaves);
                    if (register(k, "static_call", targets, targets.get(0))) {
                        out.add(new Stmt.StaticCall(k, targets, 0));
                    }
                }
            }
        }
        return out;
    }

    private Stmt jumpLabel(List<String> callees, int depth) {
        String k = "k" + rnd.nextInt(3);
        register(k, "jump_label", List.of("false", "true"), "false");
        List<Stmt> then = depth < 2 && rnd.nextInt(4) == 0 ? body(callees, depth + 1, 1)
                : List.of(new Stmt.Work(1 + rnd.nextInt(4), 0));
        return new Stmt.JumpLabel(k, rnd.nextBoolean() ? 2 : 5, then, 0);
    }

    private boolean register(String key, String kind, List<String> states, String initial) {
        KeyInfo known = keys.get(key);
        if (known == null) {
            keys.put(key, new KeyInfo(key, kind, states, initial, 0));
            return true;
        }
        return known.kind().equals(kind) && known.states().equals(states);
    }
}
