package dev.textpoke.scenario.spec;

import dev.textpoke.scenario.protocol.Protocol;
import dev.textpoke.scenario.spec.ScenarioFileException.Kind;
import dev.textpoke.scenario.workload.AsmWorkload;
import dev.textpoke.scenario.workload.Stmt;
import dev.textpoke.scenario.workload.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a scenario file (the format is in docs/scenarios.md) into a {@link Scenario}, checking
 * everything that can be checked without compiling: every key known at its place, every value of
 * its type and in range, every name defined, the schedule in time order and its states valid for
 * their keys. Each problem is a {@link ScenarioFileException} naming the file and the line.
 */
public final class ScenarioParser {
    /** Files larger than this are refused before they are read. */
    public static final long MAX_FILE_BYTES = 4 << 20;
    static final int MAX_CPUS = 64;
    static final long MAX_DURATION = 50_000_000L;
    static final int MAX_WORK = 10_000;
    static final int MAX_LOOP = 1_000_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern SCENARIO_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    private static final Pattern RESERVED = Pattern.compile(
            "cpu_entry_\\d+|ftrace_caller|irq_handler_\\d+|asm_.*|el1_.*|multi_cpu_stop|ipi_handler");

    private final String file;
    private final Map<String, KeyInfo> keys = new LinkedHashMap<>();
    private final Map<String, List<String>> staticTargets = new LinkedHashMap<>();
    private final List<Object[]> calls = new ArrayList<>();

    private ScenarioParser(String file) {
        this.file = file;
    }

    /** Reads and checks the scenario in {@code path}; errors name it as given. */
    public static Scenario read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) {
            throw new ScenarioFileException(path.toString(), 0, 1, Kind.BAD_VALUE,
                    "the file has " + size + " bytes; a scenario file has at most " + MAX_FILE_BYTES);
        }
        return parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    /** Checks the scenario in {@code text}, named {@code file} in errors. */
    public static Scenario parse(String file, String text) throws ScenarioFileException {
        return new ScenarioParser(file).scenario(Json.parse(file, text));
    }

    private ScenarioFileException error(Json.Value at, Kind kind, String problem) {
        return new ScenarioFileException(file, at.offset(), at.line(), kind, problem);
    }

    private ScenarioFileException error(Json.Member at, Kind kind, String problem) {
        return new ScenarioFileException(file, at.offset(), at.line(), kind, problem);
    }

    private Scenario scenario(Json.Value root) throws ScenarioFileException {
        Json.Obj o = object(root, "the scenario");
        allow(o, "the scenario", Set.of("scenario", "description", "seed", "duration", "patcher", "protocols", "timing",
                "functions", "cpus", "interrupts", "schedule", "asm", "sites", "branches"));
        if (o.members().containsKey("asm")) {
            return asmScenario(o);
        }
        for (String k : List.of("sites", "branches")) {
            if (o.members().containsKey(k)) {
                throw error(o.members().get(k), Kind.UNKNOWN_KEY, "\"" + k + "\" goes with \"asm\": a workload of"
                        + " functions has its sites in its statements");
            }
        }
        String name = string(need(o, "scenario"), "scenario");
        if (!SCENARIO_NAME.matcher(name).matches()) {
            throw error(need(o, "scenario").value(), Kind.BAD_VALUE, "a scenario name is letters, digits, '-', '_' and '.'"
                    + " (it names files), not \"" + name + "\"");
        }
        String description = o.members().containsKey("description") ? string(o.members().get("description"), "description") : "";
        long seed = o.members().containsKey("seed") ? integer(o.members().get("seed"), Long.MIN_VALUE, Long.MAX_VALUE) : 1;
        long duration = integer(need(o, "duration"), 1000, MAX_DURATION);
        Timing timing = o.members().containsKey("timing") ? timing(o.members().get("timing").value()) : Timing.defaults();
        Json.Member fm = need(o, "functions");
        Json.Obj fo = object(fm.value(), "functions");
        if (fo.members().isEmpty()) {
            throw error(fm, Kind.BAD_VALUE, "functions is empty: the CPUs need something to run");
        }
        Map<String, Workload.Function> functions = new LinkedHashMap<>();
        for (Json.Member f : fo.members().values()) {
            if (!NAME.matcher(f.key()).matches()) {
                throw error(f, Kind.BAD_VALUE, "function name \"" + f.key() + "\" is not an identifier");
            }
            if (RESERVED.matcher(f.key()).matches()) {
                throw error(f, Kind.BAD_VALUE, "function name \"" + f.key() + "\" is the name of the runtime's code");
            }
            functions.put(f.key(), new Workload.Function(f.key(), statements(f.value(), 0), f.line()));
        }
        for (Object[] c : calls) {
            if (!functions.containsKey((String) c[0])) {
                throw error((Json.Value) c[1], Kind.UNKNOWN_NAME, "no function named " + c[0]);
            }
        }
        Json.Member cm = need(o, "cpus");
        List<String> cpus = new ArrayList<>();
        Json.Arr ca = array(cm.value(), "cpus");
        if (ca.items().isEmpty() || ca.items().size() > MAX_CPUS) {
            throw error(cm, Kind.BAD_VALUE, "cpus lists 1 to " + MAX_CPUS + " CPUs, not " + ca.items().size());
        }
        for (Json.Value v : ca.items()) {
            String runs;
            if (v instanceof Json.Obj co) {
                allow(co, "a CPU", Set.of("runs"));
                runs = string(need(co, "runs"), "runs");
                v = co.members().get("runs").value();
            } else {
                runs = str(v, "a CPU (the function it runs)");
            }
            if (!functions.containsKey(runs)) {
                throw error(v, Kind.UNKNOWN_NAME, "no function named " + runs);
            }
            cpus.add(runs);
        }
        Common c = common(o, cpus.size(), duration, functions);
        return new Scenario(name, file, description, seed, duration, c.patcher(), c.protocols(), timing,
                new Workload(functions, cpus, c.interrupts()), keys, c.schedule());
    }

    // ---- assembly ---------------------------------------------------------------------------------

    private static final Set<String> SITE_KINDS = Set.of("jump_label", "ftrace", "static_call");

    /** A scenario whose workload is assembly source ({@code asm}), with sites, CPUs and branches by label. */
    private Scenario asmScenario(Json.Obj o) throws ScenarioFileException {
        if (o.members().containsKey("functions")) {
            throw error(o.members().get("functions"), Kind.UNKNOWN_KEY, "a scenario has \"functions\" or \"asm\", not both");
        }
        String name = string(need(o, "scenario"), "scenario");
        if (!SCENARIO_NAME.matcher(name).matches()) {
            throw error(need(o, "scenario").value(), Kind.BAD_VALUE, "a scenario name is letters, digits, '-', '_' and '.'"
                    + " (it names files), not \"" + name + "\"");
        }
        String description = o.members().containsKey("description") ? string(o.members().get("description"), "description") : "";
        long seed = o.members().containsKey("seed") ? integer(o.members().get("seed"), Long.MIN_VALUE, Long.MAX_VALUE) : 1;
        long duration = integer(need(o, "duration"), 1000, MAX_DURATION);
        Timing timing = o.members().containsKey("timing") ? timing(o.members().get("timing").value()) : Timing.defaults();
        Json.Obj ao = object(need(o, "asm").value(), "asm");
        allow(ao, "asm", Set.of("x86_64", "arm64"));
        if (ao.members().isEmpty()) {
            throw error(ao, Kind.BAD_VALUE, "asm names no instruction set (x86_64, arm64)");
        }
        Map<dev.textpoke.isa.Isa, AsmWorkload.Source> sources = new LinkedHashMap<>();
        for (Json.Member m : ao.members().values()) {
            List<String> lines = new ArrayList<>();
            List<Integer> fileLines = new ArrayList<>();
            for (Json.Value l : array(m.value(), "an assembly listing (one string per line)").items()) {
                lines.add(str(l, "an assembly line"));
                fileLines.add(l.line());
            }
            sources.put(m.key().equals("x86_64") ? dev.textpoke.isa.Isa.X86_64 : dev.textpoke.isa.Isa.A64,
                    new AsmWorkload.Source(lines, fileLines));
        }
        List<AsmWorkload.SiteDecl> sites = new ArrayList<>();
        for (Json.Value v : array(need(o, "sites").value(), "sites").items()) {
            Json.Obj so = object(v, "a site");
            allow(so, "a site", Set.of("at", "key", "kind", "target", "targets"));
            String at = string(need(so, "at"), "at");
            Json.Member km = need(so, "kind");
            String kind = string(km, "kind");
            if (!SITE_KINDS.contains(kind)) {
                throw error(km.value(), Kind.BAD_VALUE, "a site's kind is jump_label, ftrace or static_call, not " + kind);
            }
            Json.Member keyM = need(so, "key");
            List<String> targets = new ArrayList<>();
            String target = null;
            if (kind.equals("static_call")) {
                for (Json.Value t : array(need(so, "targets").value(), "targets").items()) {
                    targets.add(str(t, "a target label"));
                }
                if (targets.size() < 2) {
                    throw error(so.members().get("targets"), Kind.BAD_VALUE, "a static call needs at least two targets");
                }
                key(keyM, kind, targets, targets.get(0));
            } else {
                target = string(need(so, "target"), "target");
                key(keyM, kind, List.of("false", "true"), "false");
            }
            sites.add(new AsmWorkload.SiteDecl(at, string(keyM, "key"), kind, target, targets, v.line()));
        }
        List<String> cpus = new ArrayList<>();
        Json.Member cm = need(o, "cpus");
        Json.Arr ca = array(cm.value(), "cpus");
        if (ca.items().isEmpty() || ca.items().size() > MAX_CPUS) {
            throw error(cm, Kind.BAD_VALUE, "cpus lists 1 to " + MAX_CPUS + " CPUs, not " + ca.items().size());
        }
        for (Json.Value v : ca.items()) {
            cpus.add(str(v, "a CPU (the label it starts at)"));
        }
        List<AsmWorkload.BranchDecl> branches = new ArrayList<>();
        if (o.members().containsKey("branches")) {
            for (Json.Member b : object(o.members().get("branches").value(), "branches").members().values()) {
                branches.add(new AsmWorkload.BranchDecl(b.key(), script(b), b.line()));
            }
        }
        Common c = common(o, cpus.size(), duration, null);
        return new Scenario(name, file, description, seed, duration, c.patcher(), c.protocols(), timing, null, keys,
                c.schedule(), new AsmWorkload(sources, sites, cpus, branches, c.interrupts()));
    }

    /** A branch script: {@code loop N}, {@code chance P}, {@code pattern TTN}, {@code always}, {@code never}. */
    private dev.textpoke.sim.exec.BranchScript script(Json.Member m) throws ScenarioFileException {
        String s = string(m, "a branch script").trim();
        String[] f = s.split("\\s+");
        try {
            switch (f[0]) {
                case "loop" -> {
                    return dev.textpoke.sim.exec.BranchScript.loop(Integer.parseInt(f[1]));
                }
                case "chance" -> {
                    return dev.textpoke.sim.exec.BranchScript.chance(Double.parseDouble(f[1]));
                }
                case "pattern" -> {
                    return dev.textpoke.sim.exec.BranchScript.pattern(f[1]);
                }
                case "always" -> {
                    return dev.textpoke.sim.exec.BranchScript.always();
                }
                case "never" -> {
                    return dev.textpoke.sim.exec.BranchScript.never();
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            // falls through to the message below
        }
        throw error(m.value(), Kind.BAD_VALUE, "a branch script is \"loop N\", \"chance P\", \"pattern TTN\","
                + " \"always\" or \"never\", not \"" + s + "\"");
    }

    // ---- statements ------------------------------------------------------------------------------

    private static final Set<String> KINDS = Set.of("work", "call", "loop", "if", "jump_label", "ftrace", "static_call");

    private List<Stmt> statements(Json.Value v, int depth) throws ScenarioFileException {
        if (depth > 16) {
            throw error(v, Kind.BAD_VALUE, "statements nested more than 16 deep");
        }
        List<Stmt> out = new ArrayList<>();
        for (Json.Value s : array(v, "a list of statements").items()) {
            out.add(statement(s, depth));
        }
        return out;
    }

    private Stmt statement(Json.Value v, int depth) throws ScenarioFileException {
        Json.Obj o = object(v, "a statement");
        String kind = null;
        for (String k : o.members().keySet()) {
            if (KINDS.contains(k)) {
                if (kind != null) {
                    throw error(o.members().get(k), Kind.BAD_VALUE, "a statement is one of " + KINDS + ": this one is both "
                            + kind + " and " + k);
                }
                kind = k;
            }
        }
        if (kind == null) {
            Json.Member first = o.members().values().stream().findFirst().orElse(null);
            if (first == null) {
                throw error(o, Kind.MISSING_KEY, "an empty statement: one of " + KINDS + " is needed");
            }
            throw error(first, Kind.UNKNOWN_KEY, "unknown statement \"" + first.key() + "\" (one of work, call, loop, if,"
                    + " jump_label, ftrace, static_call)");
        }
        Json.Member m = o.members().get(kind);
        int line = m.line();
        switch (kind) {
            case "work" -> {
                allow(o, "work", Set.of("work"));
                return new Stmt.Work((int) integer(m, 1, MAX_WORK), line);
            }
            case "call" -> {
                allow(o, "call", Set.of("call"));
                String f = string(m, "call");
                calls.add(new Object[] {f, m.value()});
                return new Stmt.Call(f, line);
            }
            case "loop" -> {
                allow(o, "loop", Set.of("loop", "body"));
                return new Stmt.Loop((int) integer(m, 1, MAX_LOOP), statements(need(o, "body").value(), depth + 1), line);
            }
            case "if" -> {
                allow(o, "if", Set.of("if", "then", "else"));
                double p = probability(m);
                List<Stmt> then = o.members().containsKey("then") ? statements(o.members().get("then").value(), depth + 1)
                        : List.of();
                List<Stmt> otherwise = o.members().containsKey("else")
                        ? statements(o.members().get("else").value(), depth + 1) : List.of();
                return new Stmt.If(p, then, otherwise, line);
            }
            case "jump_label" -> {
                allow(o, "jump_label", Set.of("jump_label", "bytes", "then"));
                String key = key(m, "jump_label", List.of("false", "true"), "false");
                int bytes = o.members().containsKey("bytes") ? (int) integer(o.members().get("bytes"), 2, 5) : 5;
                if (bytes != 2 && bytes != 5) {
                    throw error(o.members().get("bytes"), Kind.BAD_VALUE, "a jump label has 2 or 5 bytes on x86, not " + bytes);
                }
                return new Stmt.JumpLabel(key, bytes, o.members().containsKey("then")
                        ? statements(o.members().get("then").value(), depth + 1) : List.of(), line);
            }
            case "ftrace" -> {
                allow(o, "ftrace", Set.of("ftrace"));
                return new Stmt.Ftrace(key(m, "ftrace", List.of("false", "true"), "false"), line);
            }
            default -> {
                allow(o, "static_call", Set.of("static_call", "targets"));
                Json.Member tm = need(o, "targets");
                List<String> targets = new ArrayList<>();
                for (Json.Value t : array(tm.value(), "targets").items()) {
                    String f = str(t, "a target function");
                    calls.add(new Object[] {f, t});
                    targets.add(f);
                }
                if (targets.size() < 2) {
                    throw error(tm, Kind.BAD_VALUE, "a static call needs at least two targets to switch between");
                }
                String key = key(m, "static_call", targets, targets.get(0));
                return new Stmt.StaticCall(key, targets, line);
            }
        }
    }

    /** Registers a key's use by a site; a key is of one kind, and a static call key has one target list. */
    private String key(Json.Member m, String kind, List<String> states, String initial) throws ScenarioFileException {
        String key = string(m, kind);
        name(m.value(), key, "a key name");
        KeyInfo known = keys.get(key);
        if (known == null) {
            keys.put(key, new KeyInfo(key, kind, states, initial, m.line()));
        } else if (!known.kind().equals(kind) || !known.states().equals(states)) {
            throw error(m, Kind.BAD_VALUE, "key " + key + " is a " + known.kind() + " key with states " + known.states()
                    + " (line " + known.line() + "); here it is a " + kind + " with " + states);
        }
        return key;
    }

    // ---- schedule and interrupts -----------------------------------------------------------------

    private List<ScheduleEntry> schedule(Json.Value v, long duration) throws ScenarioFileException {
        List<ScheduleEntry> out = new ArrayList<>();
        long last = -1;
        for (Json.Value e : array(v, "schedule").items()) {
            Json.Obj o = object(e, "a schedule entry");
            allow(o, "a schedule entry", Set.of("at", "set"));
            Json.Member at = need(o, "at");
            long t = integer(at, 0, duration - 1);
            if (t <= last) {
                throw error(at, Kind.SCHEDULE_ORDER, "schedule entry at " + t + " comes after one at " + last
                        + ": entries must be in increasing time order");
            }
            last = t;
            Json.Member sm = need(o, "set");
            Json.Obj so = object(sm.value(), "set");
            if (so.members().isEmpty()) {
                throw error(sm, Kind.BAD_VALUE, "set names no key");
            }
            Map<String, String> set = new LinkedHashMap<>();
            for (Json.Member k : so.members().values()) {
                KeyInfo info = keys.get(k.key());
                if (info == null) {
                    throw error(k, Kind.UNKNOWN_NAME, "no site uses key " + k.key() + " (keys: " + String.join(", ", keys.keySet())
                            + ")");
                }
                String state;
                if (info.kind().equals("static_call")) {
                    state = str(k.value(), "a target of static call " + k.key());
                    if (!info.states().contains(state)) {
                        throw error(k.value(), Kind.BAD_VALUE, "static call " + k.key() + " targets " + info.states()
                                + ", not " + state);
                    }
                } else if (k.value() instanceof Json.Bool b) {
                    state = Boolean.toString(b.value());
                } else {
                    throw error(k.value(), Kind.BAD_VALUE, "key " + k.key() + " is set to true or false, not "
                            + k.value().typeName());
                }
                set.put(k.key(), state);
            }
            out.add(new ScheduleEntry(t, set, e.line()));
        }
        return out;
    }

    /** What both kinds of scenario file say alike: the patching CPU, the protocols, the schedule, the interrupts. */
    private record Common(int patcher, List<String> protocols, List<ScheduleEntry> schedule,
            List<Workload.Irq> interrupts) {}

    /** @param functions the statement workload's functions (interrupt handlers by name), or null for assembly */
    private Common common(Json.Obj o, int cpus, long duration, Map<String, Workload.Function> functions)
            throws ScenarioFileException {
        int patcher = o.members().containsKey("patcher") ? (int) integer(o.members().get("patcher"), 0, cpus - 1) : 0;
        List<String> protocols = new ArrayList<>();
        if (o.members().containsKey("protocols")) {
            for (Json.Value v : array(o.members().get("protocols").value(), "protocols").items()) {
                String p = str(v, "a protocol name");
                if (Protocol.byName(p) == null) {
                    throw error(v, Kind.UNKNOWN_NAME, "no protocol named " + p + " (" + String.join(", ", Protocol.names()) + ")");
                }
                protocols.add(p);
            }
        }
        List<ScheduleEntry> schedule = o.members().containsKey("schedule")
                ? schedule(o.members().get("schedule").value(), duration) : List.of();
        List<Workload.Irq> irqs = o.members().containsKey("interrupts")
                ? interrupts(o.members().get("interrupts").value(), cpus, schedule.size(), duration, functions)
                : List.of();
        return new Common(patcher, protocols, schedule, irqs);
    }

    private List<Workload.Irq> interrupts(Json.Value v, int cpus, int batches, long duration,
            Map<String, Workload.Function> functions) throws ScenarioFileException {
        List<Workload.Irq> out = new ArrayList<>();
        for (Json.Value e : array(v, "interrupts").items()) {
            Json.Obj o = object(e, "an interrupt");
            allow(o, "an interrupt", Set.of("cpu", "at", "batch", "every", "handler"));
            int cpu = (int) integer(need(o, "cpu"), 0, cpus - 1);
            long at = integer(need(o, "at"), 0, duration - 1);
            int batch = o.members().containsKey("batch") ? (int) integer(o.members().get("batch"), 0, Math.max(0, batches - 1))
                    : -1;
            if (batch >= 0 && batches == 0) {
                throw error(o.members().get("batch"), Kind.BAD_VALUE, "there is no schedule entry to time it from");
            }
            long every = o.members().containsKey("every") ? integer(o.members().get("every"), 100, duration) : 0;
            String handler = null;
            if (o.members().containsKey("handler") && !(o.members().get("handler").value() instanceof Json.Null)) {
                handler = string(o.members().get("handler"), "handler");
                if (functions != null && !functions.containsKey(handler)) {
                    throw error(o.members().get("handler").value(), Kind.UNKNOWN_NAME, "no function named " + handler);
                }
            }
            out.add(new Workload.Irq(cpu, at, batch, every, handler, e.line()));
        }
        return out;
    }

    private Timing timing(Json.Value v) throws ScenarioFileException {
        Json.Obj o = object(v, "timing");
        allow(o, "timing", Set.of("mtc", "mtc_period", "cyc", "cyc_thresh", "psb_period", "return_compression",
                "etm_timestamp", "etm_sync_bytes", "jitter"));
        Timing d = Timing.defaults();
        Map<String, Json.Member> m = o.members();
        return new Timing(
                m.containsKey("mtc") ? bool(m.get("mtc")) : d.mtc(),
                m.containsKey("mtc_period") ? (int) integer(m.get("mtc_period"), 0, 15) : d.mtcPeriod(),
                m.containsKey("cyc") ? bool(m.get("cyc")) : d.cyc(),
                m.containsKey("cyc_thresh") ? (int) integer(m.get("cyc_thresh"), 0, 15) : d.cycThresh(),
                m.containsKey("psb_period") ? (int) integer(m.get("psb_period"), 0, 15) : d.psbPeriod(),
                m.containsKey("return_compression") ? bool(m.get("return_compression")) : d.returnCompression(),
                m.containsKey("etm_timestamp") ? (int) integer(m.get("etm_timestamp"), 1, 15) : d.etmTimestampLevel(),
                m.containsKey("etm_sync_bytes") ? (int) integer(m.get("etm_sync_bytes"), 256, 1 << 20) : d.etmSyncBytes(),
                m.containsKey("jitter") ? (int) integer(m.get("jitter"), 0, 255) : d.jitter());
    }

    // ---- values ------------------------------------------------------------------------------------

    private Json.Obj object(Json.Value v, String what) throws ScenarioFileException {
        if (v instanceof Json.Obj o) {
            return o;
        }
        throw error(v, Kind.BAD_VALUE, what + " is an object, not " + v.typeName());
    }

    private Json.Arr array(Json.Value v, String what) throws ScenarioFileException {
        if (v instanceof Json.Arr a) {
            return a;
        }
        throw error(v, Kind.BAD_VALUE, what + " is an array, not " + v.typeName());
    }

    private Json.Member need(Json.Obj o, String key) throws ScenarioFileException {
        Json.Member m = o.members().get(key);
        if (m == null) {
            throw error(o, Kind.MISSING_KEY, "\"" + key + "\" is missing");
        }
        return m;
    }

    private void allow(Json.Obj o, String what, Set<String> allowed) throws ScenarioFileException {
        for (Json.Member m : o.members().values()) {
            if (!allowed.contains(m.key())) {
                throw error(m, Kind.UNKNOWN_KEY, "unknown key \"" + m.key() + "\" in " + what + " (known: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
    }

    private String string(Json.Member m, String what) throws ScenarioFileException {
        return str(m.value(), what);
    }

    private String str(Json.Value v, String what) throws ScenarioFileException {
        if (v instanceof Json.Str s) {
            return s.value();
        }
        throw error(v, Kind.BAD_VALUE, what + " is a string, not " + v.typeName());
    }

    private void name(Json.Value v, String s, String what) throws ScenarioFileException {
        if (!NAME.matcher(s).matches()) {
            throw error(v, Kind.BAD_VALUE, what + " is an identifier (letters, digits, _), not \"" + s + "\"");
        }
    }

    private boolean bool(Json.Member m) throws ScenarioFileException {
        if (m.value() instanceof Json.Bool b) {
            return b.value();
        }
        throw error(m.value(), Kind.BAD_VALUE, m.key() + " is true or false, not " + m.value().typeName());
    }

    private long integer(Json.Member m, long min, long max) throws ScenarioFileException {
        if (!(m.value() instanceof Json.Num n) || !n.text().matches("-?\\d+")) {
            throw error(m.value(), Kind.BAD_VALUE, m.key() + " is a whole number, not " + m.value().typeName());
        }
        long v;
        try {
            v = Long.parseLong(n.text());
        } catch (NumberFormatException e) {
            throw error(m.value(), Kind.BAD_VALUE, m.key() + " " + n.text() + " does not fit 64 bits");
        }
        if (v < min || v > max) {
            throw error(m.value(), Kind.BAD_VALUE, m.key() + " is " + v + "; it must be between " + min + " and " + max);
        }
        return v;
    }

    private double probability(Json.Member m) throws ScenarioFileException {
        if (m.value() instanceof Json.Num n) {
            double p = Double.parseDouble(n.text());
            if (p >= 0 && p <= 1) {
                return p;
            }
        }
        throw error(m.value(), Kind.BAD_VALUE, "if takes the probability of its then branch, a number from 0 to 1");
    }
}
