package dev.textpoke.scenario.fuzz;

import dev.textpoke.scenario.spec.KeyInfo;
import dev.textpoke.scenario.spec.Scenario;
import dev.textpoke.scenario.spec.ScenarioFileException;
import dev.textpoke.scenario.spec.ScenarioParser;
import dev.textpoke.scenario.spec.ScenarioWriter;
import dev.textpoke.scenario.spec.ScheduleEntry;
import dev.textpoke.scenario.workload.Stmt;
import dev.textpoke.scenario.workload.Workload;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Makes a failing scenario smaller while it still fails: drops schedule entries, interrupts,
 * CPUs, statements and functions, shortens loops and the run, one change at a time, keeping each
 * that still fails (greedy, as delta debugging's simplest form). Every candidate goes through the
 * scenario file format and back, so the result is a file that reproduces the failure.
 */
public final class Shrinker {
    private final Predicate<Scenario> fails;
    private int budget;

    private Shrinker(Predicate<Scenario> fails, int budget) {
        this.fails = fails;
        this.budget = budget;
    }

    /** The smallest scenario found that still fails, trying at most {@code budget} candidates. */
    public static Scenario shrink(Scenario s, Predicate<Scenario> fails, int budget) {
        return new Shrinker(fails, budget).run(s);
    }

    private Scenario run(Scenario s) {
        boolean progress = true;
        while (progress && budget > 0) {
            progress = false;
            for (Scenario c : candidates(s)) {
                if (budget-- <= 0) {
                    break;
                }
                Scenario valid = reparse(c);
                if (valid != null && fails.test(valid)) {
                    s = valid;
                    progress = true;
                    break;
                }
            }
        }
        return s;
    }

    /** The scenario written and read back, or null when the change made it invalid. */
    static Scenario reparse(Scenario s) {
        try {
            return ScenarioParser.parse(s.file(), ScenarioWriter.write(s));
        } catch (ScenarioFileException e) {
            return null;
        }
    }

    private List<Scenario> candidates(Scenario s) {
        List<Scenario> out = new ArrayList<>();
        for (int i = 0; s.schedule().size() > 1 && i < s.schedule().size(); i++) {
            List<ScheduleEntry> sch = new ArrayList<>(s.schedule());
            sch.remove(i);
            List<Workload.Irq> irqs = new ArrayList<>();
            for (Workload.Irq q : s.workload().interrupts()) {
                if (q.batch() == i) {
                    continue;
                }
                irqs.add(q.batch() > i ? new Workload.Irq(q.cpu(), q.at(), q.batch() - 1, q.every(), q.handler(), 0) : q);
            }
            out.add(with(s, s.workload().functions(), s.workload().cpus(), irqs, sch, s.duration()));
        }
        for (int i = 0; i < s.workload().interrupts().size(); i++) {
            List<Workload.Irq> irqs = new ArrayList<>(s.workload().interrupts());
            irqs.remove(i);
            out.add(with(s, s.workload().functions(), s.workload().cpus(), irqs, s.schedule(), s.duration()));
        }
        for (int c = s.cpus() - 1; c >= 1; c--) {
            List<String> cpus = new ArrayList<>(s.workload().cpus());
            cpus.remove(c);
            List<Workload.Irq> irqs = new ArrayList<>();
            for (Workload.Irq q : s.workload().interrupts()) {
                if (q.cpu() != c) {
                    irqs.add(q.cpu() > c ? new Workload.Irq(q.cpu() - 1, q.at(), q.batch(), q.every(), q.handler(), 0) : q);
                }
            }
            out.add(with(s, s.workload().functions(), cpus, irqs, s.schedule(), s.duration()));
        }
        long last = s.schedule().isEmpty() ? 0 : s.schedule().get(s.schedule().size() - 1).at();
        long shorter = Math.max(last + RandomScenario.SPACING, s.duration() * 2 / 3);
        if (shorter < s.duration()) {
            out.add(with(s, s.workload().functions(), s.workload().cpus(), s.workload().interrupts(), s.schedule(), shorter));
        }
        for (String f : s.workload().functions().keySet()) {
            List<Stmt> body = s.workload().functions().get(f).body();
            for (List<Stmt> smaller : smaller(body)) {
                Map<String, Workload.Function> fns = new LinkedHashMap<>(s.workload().functions());
                fns.put(f, new Workload.Function(f, smaller, 0));
                out.add(with(s, fns, s.workload().cpus(), s.workload().interrupts(), s.schedule(), s.duration()));
            }
        }
        return out;
    }

    /** The statement lists one step smaller than {@code body}: one statement dropped or simplified. */
    private static List<List<Stmt>> smaller(List<Stmt> body) {
        List<List<Stmt>> out = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            List<Stmt> b = new ArrayList<>(body);
            b.remove(i);
            out.add(b);
            Stmt s = body.get(i);
            List<Stmt> replacement = new ArrayList<>();
            if (s instanceof Stmt.Loop l) {
                if (l.times() > 2) {
                    replacement.add(new Stmt.Loop(2, l.body(), 0));
                }
                replacement.add(null);
                for (List<Stmt> inner : smaller(l.body())) {
                    replacement.add(new Stmt.Loop(l.times(), inner, 0));
                }
            } else if (s instanceof Stmt.If f) {
                for (List<Stmt> inner : smaller(f.then())) {
                    replacement.add(new Stmt.If(f.p(), inner, f.otherwise(), 0));
                }
                for (List<Stmt> inner : smaller(f.otherwise())) {
                    replacement.add(new Stmt.If(f.p(), f.then(), inner, 0));
                }
            } else if (s instanceof Stmt.JumpLabel j) {
                for (List<Stmt> inner : smaller(j.then())) {
                    replacement.add(new Stmt.JumpLabel(j.key(), j.bytes(), inner, 0));
                }
            } else if (s instanceof Stmt.Work w && w.n() > 1) {
                replacement.add(new Stmt.Work(1, 0));
            }
            for (Stmt r : replacement) {
                List<Stmt> c = new ArrayList<>(body);
                if (r == null && s instanceof Stmt.Loop l) {
                    c.remove(i);
                    c.addAll(i, l.body());
                } else if (r != null) {
                    c.set(i, r);
                } else {
                    continue;
                }
                out.add(c);
            }
        }
        return out;
    }

    /** A scenario of these parts; keys no site uses any more, and functions nothing reaches, are dropped. */
    private static Scenario with(Scenario s, Map<String, Workload.Function> functions, List<String> cpus,
            List<Workload.Irq> irqs, List<ScheduleEntry> schedule, long duration) {
        Set<String> reached = new HashSet<>();
        List<String> todo = new ArrayList<>(cpus);
        for (Workload.Irq q : irqs) {
            if (q.handler() != null) {
                todo.add(q.handler());
            }
        }
        while (!todo.isEmpty()) {
            String f = todo.remove(todo.size() - 1);
            if (reached.add(f) && functions.containsKey(f)) {
                calls(functions.get(f).body(), todo);
            }
        }
        Map<String, Workload.Function> fns = new LinkedHashMap<>();
        for (Workload.Function f : functions.values()) {
            if (reached.contains(f.name())) {
                fns.put(f.name(), f);
            }
        }
        Set<String> used = new HashSet<>();
        for (Workload.Function f : fns.values()) {
            keys(f.body(), used);
        }
        Map<String, KeyInfo> keys = new LinkedHashMap<>();
        s.keys().forEach((k, v) -> {
            if (used.contains(k)) {
                keys.put(k, v);
            }
        });
        List<ScheduleEntry> sch = new ArrayList<>();
        for (ScheduleEntry e : schedule) {
            Map<String, String> set = new LinkedHashMap<>();
            e.set().forEach((k, v) -> {
                if (used.contains(k)) {
                    set.put(k, v);
                }
            });
            if (!set.isEmpty() && e.at() < duration) {
                sch.add(new ScheduleEntry(e.at(), set, 0));
            }
        }
        return new Scenario(s.name(), s.file(), s.description(), s.seed(), duration, 0, s.protocols(), s.timing(),
                new Workload(fns, cpus, irqs), keys, sch);
    }

    private static void calls(List<Stmt> body, List<String> out) {
        for (Stmt s : body) {
            if (s instanceof Stmt.Call c) {
                out.add(c.function());
            } else if (s instanceof Stmt.StaticCall sc) {
                out.addAll(sc.targets());
            } else if (s instanceof Stmt.Loop l) {
                calls(l.body(), out);
            } else if (s instanceof Stmt.If i) {
                calls(i.then(), out);
                calls(i.otherwise(), out);
            } else if (s instanceof Stmt.JumpLabel j) {
                calls(j.then(), out);
            }
        }
    }

    private static void keys(List<Stmt> body, Set<String> out) {
        for (Stmt s : body) {
            if (s instanceof Stmt.JumpLabel j) {
                out.add(j.key());
                keys(j.then(), out);
            } else if (s instanceof Stmt.Ftrace f) {
                out.add(f.key());
            } else if (s instanceof Stmt.StaticCall sc) {
                out.add(sc.key());
            } else if (s instanceof Stmt.Loop l) {
                keys(l.body(), out);
            } else if (s instanceof Stmt.If i) {
                keys(i.then(), out);
                keys(i.otherwise(), out);
            }
        }
    }
}
