package dev.textpoke.cli.format;

import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.SymbolOffset;
import dev.textpoke.isa.Instruction;
import dev.textpoke.pt.decode.Tasks;
import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BranchKind;
import dev.textpoke.pt.flow.DecodeIssue;
import dev.textpoke.pt.flow.FlowSink;
import dev.textpoke.pt.flow.Placement;
import dev.textpoke.pt.flow.TraceEvent;
import dev.textpoke.pt.perf.CbrScale;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code textpoke decode}'s lines for one CPU, as perf script prints Intel PT: a line per taken
 * branch (perf's {@code --itrace=b}, flags named as perf names them), or with {@code --insns} a
 * line per instruction (address, symbol+offset, bytes, disassembly), or JSON objects; decode
 * errors, gaps, placed modifications and the events asked for as lines of their own, in order;
 * the task of each line first when asked, and only the tasks asked for. The text of an
 * instruction is made once per cached block, not once per execution.
 */
public final class DecodeFormat implements FlowSink {
    /** Receives finished lines (each ends with a newline) with their times. */
    @FunctionalInterface
    public interface Lines {
        void line(long time, LineBuffer line);
    }

    /** The task the trace ran in at a time. */
    @FunctionalInterface
    public interface TaskAt {
        Tasks.Task at(long time);
    }

    /**
     * Tasks, as perf script's {@code --pid}, {@code --tid} and {@code --comm} choose them (an empty
     * set chooses every task), and whether lines name theirs ({@code show}).
     */
    public record TaskFilter(boolean show, Set<Integer> pids, Set<Integer> tids, Set<String> comms) {
        public static final TaskFilter ALL = new TaskFilter(false, Set.of(), Set.of(), Set.of());

        /** Whether the lines need to know their task. */
        public boolean needed() {
            return show || !pids.isEmpty() || !tids.isEmpty() || !comms.isEmpty();
        }

        boolean keeps(Tasks.Task t) {
            return (pids.isEmpty() || pids.contains(t.pid())) && (tids.isEmpty() || tids.contains(t.tid()))
                    && (comms.isEmpty() || comms.contains(t.comm()));
        }
    }

    /** The symbol at an address at a time (kernel and user space alike). */
    @FunctionalInterface
    public interface Names {
        Optional<SymbolOffset> at(long addr, long time);
    }

    /**
     * What to print and what to leave out.
     *
     * @param ptwrite PTWRITE payloads (perf's {@code --itrace=w})
     * @param power   power events: CBR, MWAIT, PWRE, EXSTOP, PWRX (perf's {@code --itrace=p})
     * @param transactions TSX transactions begun, committed and aborted (perf's {@code --itrace=x})
     * @param cbr     what a core:bus ratio means in this recording (for the frequency perf prints)
     * @param tasks   whether each line names its task, and which tasks' lines are kept
     */
    public record Options(boolean instructions, boolean json, long from, long to, Set<String> symbols,
            boolean ptwrite, boolean power, boolean transactions, CbrScale cbr, TaskFilter tasks) {
        public Options(boolean instructions, boolean json, long from, long to, Set<String> symbols) {
            this(instructions, json, from, to, symbols, false, false, false, CbrScale.UNKNOWN, TaskFilter.ALL);
        }

        public boolean keeps(long time) {
            return time >= from && time <= to;
        }

        boolean shows(TraceEvent.Kind kind) {
            return switch (kind) {
                case PTWRITE -> ptwrite;
                case TRANSACTION -> transactions;
                default -> power;
            };
        }
    }

    private static final int CACHE_LIMIT = 1 << 17;

    private final int cpu;
    private final Names timeline;
    private final Options options;
    private final Lines out;
    private final LineBuffer line = new LineBuffer();
    private final Map<Block, byte[][]> insnText = new IdentityHashMap<>();
    private final Map<Block, String[]> insnSymbols = new IdentityHashMap<>();
    private final Map<Long, SymbolOffset> addressSymbols = new HashMap<>();
    private final byte[] prefixCpu;
    private final TaskAt tasks;
    /** The last time a task was looked up at, and the task: lines between two timing packets share it. */
    private long taskTime = Long.MIN_VALUE;
    private Tasks.Task task;
    /** The text columns of {@link #task}, made once per task, not once per line. */
    private byte[] taskColumns;

    public DecodeFormat(int cpu, CodeTimeline timeline, Options options, Lines out) {
        this(cpu, timeline::symbolize, options, null, out);
    }

    /**
     * @param tasks the task at a time; may be null when {@link TaskFilter#needed()} is false
     */
    public DecodeFormat(int cpu, Names names, Options options, TaskAt tasks, Lines out) {
        if (tasks == null && options.tasks().needed()) {
            throw new IllegalArgumentException("the task filter needs the tasks");
        }
        this.cpu = cpu;
        this.timeline = names;
        this.options = options;
        this.tasks = tasks;
        this.out = out;
        this.prefixCpu = options.json() ? ("{\"cpu\":" + cpu + ",\"time\":").getBytes()
                : String.format("[%03d] ", cpu).getBytes();
    }

    @Override
    public void instructions(Block block, int from, int to, long time, boolean ambiguous) {
        if (!options.instructions() || !keeps(printable(time))) {
            return;
        }
        byte[][] text = text(block, time);
        String[] names = options.symbols().isEmpty() ? null : insnSymbols.get(block);
        for (int i = from; i < to; i++) {
            if (names != null && !options.symbols().contains(names[i])) {
                continue;
            }
            start(time);
            if (options.json()) {
                line.append(",\"type\":\"insn\",").append(text[i]).append(",\"ambiguous\":")
                        .append(ambiguous ? "true}" : "false}");
            } else {
                line.append(text[i]);
                if (ambiguous) {
                    line.append("  (ambiguous)");
                }
            }
            finish(time);
        }
    }

    @Override
    public void branch(BranchKind kind, long from, long to, long time, boolean inTx) {
        if (options.instructions() || !keeps(printable(time))) {
            return;
        }
        SymbolOffset fromSym = symbol(from, time);
        SymbolOffset toSym = to == 0 ? null : symbol(to, time);
        if (!options.symbols().isEmpty() && !(fromSym != null && options.symbols().contains(fromSym.name())
                || toSym != null && options.symbols().contains(toSym.name()))) {
            return;
        }
        start(time);
        if (options.json()) {
            line.append(",\"type\":\"branch\",\"kind\":").jsonString(kind.perfName()).append(",\"from\":\"0x")
                    .hex(from, 1).append("\",\"from_sym\":");
            jsonSymbol(fromSym);
            line.append(",\"to\":");
            if (to == 0) {
                line.append("null");
            } else {
                line.append("\"0x").hex(to, 1).append('"');
            }
            line.append(",\"to_sym\":");
            jsonSymbol(toSym);
            if (inTx) {
                line.append(",\"in_tx\":true");
            }
            line.append('}');
        } else {
            int col = line.length();
            line.append(kind.perfName()).padTo(col, 8);
            if (inTx) {
                line.append("(x) ");
            }
            line.hex(from, 16).append(' ').append(name(fromSym)).append(" => ");
            if (to == 0) {
                line.hex(0, 16).append(" [unknown]");
            } else {
                line.hex(to, 16).append(' ').append(name(toSym));
            }
        }
        finish(time);
    }

    /**
     * A PTWRITE, power or transaction event, with perf's words for its values ({@link
     * TraceEventText}), then where the flow stood.
     */
    @Override
    public void event(TraceEvent e) {
        long time = printable(e.time());
        if (!options.shows(e.kind()) || !keeps(time)) {
            return;
        }
        SymbolOffset sym = e.ip() == 0 ? null : symbol(e.ip(), e.time());
        if (!options.symbols().isEmpty() && (sym == null || !options.symbols().contains(sym.name()))) {
            return;
        }
        start(e.time());
        if (options.json()) {
            line.append(",\"type\":").jsonString(e.kind().perfName()).append(",\"ip\":");
            if (e.ip() == 0) {
                line.append("null");
            } else {
                line.append("\"0x").hex(e.ip(), 1).append('"');
            }
            line.append(',');
            jsonSymbolOffset(line, sym); // as an instruction's
            TraceEventText.jsonFields(line, e, options.cbr());
            line.append('}');
        } else {
            int col = line.length();
            line.append(e.kind().perfName()).padTo(col, 8).append(TraceEventText.perfText(e, options.cbr()))
                    .append("  ").hex(e.ip(), 16).append(' ').append(e.ip() == 0 ? "[unknown]" : name(sym));
        }
        finish(e.time());
    }

    @Override
    public void issue(DecodeIssue issue) {
        long time = printable(issue.time());
        if (!keeps(time)) {
            return;
        }
        start(issue.time());
        if (options.json()) {
            line.append(",\"type\":\"issue\",\"kind\":").jsonString(issue.kind().name()).append(",\"offset\":")
                    .dec(issue.offset(), 1).append(",\"ip\":");
            if (issue.ip() == 0) {
                line.append("null");
            } else {
                line.append("\"0x").hex(issue.ip(), 1).append('"');
            }
            line.append(",\"detail\":").jsonString(issue.detail()).append('}');
        } else {
            line.append("error    ").append(issue.kind().name()).append(" at offset 0x").hex(issue.offset(), 1);
            if (issue.ip() != 0) {
                line.append(" ip ").hex(issue.ip(), 16);
            }
            line.append(": ").append(issue.detail());
        }
        finish(issue.time());
    }

    @Override
    public void placement(Placement p) {
        // At the visit's time, in order with its instructions; the switch's own time is in the text.
        long time = p.time();
        if (!keeps(time)) {
            return;
        }
        start(time);
        if (options.json()) {
            line.append(",\"type\":\"placement\",\"switch_time\":").dec(p.switchTime(), 1).append(",\"ip\":\"0x")
                    .hex(p.ip(), 1).append("\",\"offset\":").dec(p.offset(), 1).append(",\"new_code\":")
                    .append(Boolean.toString(p.newVersion())).append(",\"by_packets\":")
                    .append(Boolean.toString(p.byPackets())).append(",\"before_timestamp\":")
                    .append(Boolean.toString(p.beforeTimestamp())).append('}');
        } else {
            line.append("poke     ").hex(p.ip(), 16).append(' ').append(name(symbol(p.ip(), time)))
                    .append(" switched at ").append(PerfTime.format(p.switchTime()))
                    .append(p.newVersion() ? ": new code from this visit" : ": old code at this visit")
                    .append(p.byPackets() ? " (the packets decide"
                            : " (by the time estimate: the packets fit both; where the readings differ, ambiguous")
                    .append(p.beforeTimestamp() ? ", before the timestamps reach the switch)" : ")");
        }
        finish(time);
    }

    /** Whether a line at {@code time} is printed: in the time range, of a chosen task. */
    private boolean keeps(long time) {
        return options.keeps(time) && (!options.tasks().needed() || options.tasks().keeps(taskAt(time)));
    }

    private Tasks.Task taskAt(long time) {
        if (task == null || time != taskTime) {
            Tasks.Task t = tasks.at(time);
            if (!t.equals(task)) {
                task = t;
                taskColumns = null;
            }
            taskTime = time;
        }
        return task;
    }

    private void start(long time) {
        line.clear();
        boolean named = options.tasks().show();
        if (named && !options.json()) {
            // perf script's first columns: the command right-aligned in 16, the thread id in 5
            Tasks.Task t = taskAt(printable(time));
            if (taskColumns == null) {
                taskColumns = String.format("%16s %5d ", t.comm(), t.tid()).getBytes(StandardCharsets.UTF_8);
            }
            line.append(taskColumns);
        }
        line.append(prefixCpu);
        if (options.json()) {
            line.dec(printable(time), 1);
            if (named) {
                Tasks.Task t = taskAt(printable(time));
                line.append(",\"pid\":").append(Integer.toString(t.pid())).append(",\"tid\":")
                        .append(Integer.toString(t.tid())).append(",\"comm\":").jsonString(t.comm());
            }
        } else {
            line.perfTime(printable(time)).append(": ");
        }
    }

    private void finish(long time) {
        line.append('\n');
        out.line(printable(time), line);
    }

    /** Times before the first timing packet print as 0. */
    private static long printable(long time) {
        return time == Long.MIN_VALUE ? 0 : time;
    }

    /** Per instruction of a block: "ip sym+off  bytes  disassembly" (or its JSON fields). */
    private byte[][] text(Block block, long time) {
        byte[][] t = insnText.get(block);
        if (t != null) {
            return t;
        }
        if (insnText.size() >= CACHE_LIMIT) {
            insnText.clear();
            insnSymbols.clear();
        }
        int n = block.count();
        t = new byte[n][];
        String[] names = new String[n];
        LineBuffer b = new LineBuffer();
        for (int i = 0; i < n; i++) {
            Instruction insn = block.instruction(i);
            Optional<SymbolOffset> sym = timeline.at(insn.address(), time);
            names[i] = sym.map(SymbolOffset::name).orElse(null);
            String hex = block.hex(i);
            b.clear();
            if (options.json()) {
                b.append("\"ip\":\"0x").hex(insn.address(), 1).append("\",");
                jsonSymbolOffset(b, sym.orElse(null));
                b.append(",\"bytes\":\"").append(hex).append("\",\"insn\":").jsonString(insn.text());
            } else {
                b.hex(insn.address(), 16).append(' ');
                int col = b.length();
                b.append(sym.map(SymbolOffset::toString).orElse("[unknown]")).padTo(col, 24);
                col = b.length();
                for (int k = 0; k < hex.length(); k += 2) {
                    if (k > 0) {
                        b.append(' ');
                    }
                    b.append(hex.substring(k, k + 2));
                }
                b.padTo(col, 22).append(insn.text());
            }
            t[i] = b.toByteArray();
        }
        insnText.put(block, t);
        insnSymbols.put(block, names);
        return t;
    }

    private SymbolOffset symbol(long addr, long time) {
        SymbolOffset s = addressSymbols.get(addr);
        if (s == null && !addressSymbols.containsKey(addr)) {
            if (addressSymbols.size() >= CACHE_LIMIT) {
                addressSymbols.clear();
            }
            s = timeline.at(addr, time).orElse(null);
            addressSymbols.put(addr, s);
        }
        return s;
    }

    private static String name(SymbolOffset s) {
        return s == null ? "[unknown]" : s.toString();
    }

    /** {@code "sym":NAME,"symoff":OFF}, both null without a symbol. */
    private static void jsonSymbolOffset(LineBuffer b, SymbolOffset s) {
        if (s == null) {
            b.append("\"sym\":null,\"symoff\":null");
        } else {
            b.append("\"sym\":").jsonString(s.name()).append(",\"symoff\":").dec(s.offset(), 1);
        }
    }

    private void jsonSymbol(SymbolOffset s) {
        if (s == null) {
            line.append("null");
        } else {
            line.jsonString(s.toString());
        }
    }
}
