package dev.textpoke.cli.decode;

import dev.textpoke.cli.CommandError;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.InputWarnings;
import dev.textpoke.cli.Progress;
import dev.textpoke.cli.code.ImageOptions;
import dev.textpoke.cli.code.MappedFileOptions;
import dev.textpoke.cli.format.DecodeFormat;
import dev.textpoke.cli.format.DecodeSummaryText;
import dev.textpoke.cli.format.PerfTime;
import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.perf.PerfTimeline;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.perf.PerfData;
import dev.textpoke.pt.decode.DecodeCounts;
import dev.textpoke.pt.decode.DecodeUnit;
import dev.textpoke.pt.decode.ProcessBlocks;
import dev.textpoke.pt.decode.ProcessCode;
import dev.textpoke.pt.decode.UnitCode;
import dev.textpoke.code.space.ObjectFiles;
import dev.textpoke.io.Bytes;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import java.util.HashMap;
import java.util.Map;
import dev.textpoke.pt.decode.QueueDecoder;
import dev.textpoke.pt.decode.Tasks;
import dev.textpoke.pt.decode.TraceSetup;
import dev.textpoke.pt.decode.UnitPlanner;
import dev.textpoke.pt.decode.UnitPool;
import dev.textpoke.pt.perf.CbrScale;
import dev.textpoke.pt.flow.BlockCache;
import dev.textpoke.pt.perf.AuxQueue;
import dev.textpoke.pt.perf.IntelPtData;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke decode FILE}: the Intel PT trace of a perf.data decoded into the branches (or,
 * with {@code --insns}, the instructions) each CPU executed, every instruction read with the code
 * of its own time: TEXT_POKE records replayed over the base images, and each modification placed
 * at the instruction the packets say, not where the timestamps alone would put it.
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Decodes the Intel PT trace of a perf.data, reading every instruction with the kernel"
                + " code of its own time (TEXT_POKE replayed, each modification placed where the packets"
                + " say). Prints taken branches as perf script --itrace=b does, or every instruction.",
            "Decode errors, gaps in the code, lost trace and the placement of modifications are printed"
                + " in order with the rest, and so are PTWRITE payloads, power events and TSX transactions"
                + " when asked for; damaged trace is resynchronised at the next PSB. 32-bit code (a 32-bit"
                + " process) is read as 32-bit instructions."})
public final class DecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "perf.data file or directory with Intel PT trace")
    String file;

    @Mixin
    ImageOptions images;

    @Option(names = "--insns", description = "Every instruction: address, symbol+offset, bytes, disassembly;"
            + " instructions the packets cannot place are marked (ambiguous).")
    boolean insns;

    @Option(names = "--json", description = "JSON lines: with --insns one object per instruction (type insn: cpu,"
            + " time, ip, sym, symoff, bytes, insn, ambiguous), else per branch (type branch: cpu, time, kind,"
            + " from, to, from_sym, to_sym); issues (type issue) and placements (type placement) too, and with"
            + " --ptwrite, --power and --transactions their events (types ptwrite, cbr, mwait, pwre, exstop, pwrx,"
            + " transaction).")
    boolean json;

    @Option(names = "--summary", description = "Only counts: instructions, branches by kind, PTWRITE, power and"
            + " transaction events by kind, errors by kind,"
            + " ambiguous instructions, gaps, modifications replayed, and how many the packets placed before"
            + " the timestamps reached them.")
    boolean summary;

    @Option(names = "--ptwrite", description = "Also the PTWRITE payloads (type ptwrite), as perf script's"
            + " --itrace=w shows them.")
    boolean ptwrite;

    @Option(names = "--power", description = "Also the power events: core:bus ratio changes (cbr), MWAIT hints"
            + " (mwait), C-state entries and exits (pwre, pwrx), execution stops (exstop), as perf script's"
            + " --itrace=p shows them.")
    boolean power;

    @Option(names = "--transactions", description = "Also where TSX transactions begin, commit and abort (type"
            + " transaction), as perf script's --itrace=x shows them.")
    boolean transactions;

    @Option(names = "--task", description = "Name the task on every line: its command and thread id first,"
            + " as perf script's default columns (with --json: pid, tid and comm).")
    boolean task;

    @Option(names = "--pid", split = ",", splitSynopsisLabel = ",", paramLabel = "PID",
            description = "Only the lines of these processes, as perf script's --pid (the task a line ran in:"
            + " the thread the sideband puts on its CPU then).")
    Set<Integer> pids = Set.of();

    @Option(names = "--tid", split = ",", splitSynopsisLabel = ",", paramLabel = "TID",
            description = "Only the lines of these threads, as perf script's --tid.")
    Set<Integer> tids = Set.of();

    @Option(names = "--comm", split = ",", splitSynopsisLabel = ",", paramLabel = "COMM",
            description = "Only the lines of tasks with these command names, as perf script's --comm.")
    Set<String> comms = Set.of();

    @Option(names = "--cpu", paramLabel = "LIST", description = "Only these CPUs, as perf's --cpu: 0,2-3.")
    String cpus;

    @Option(names = "--time", paramLabel = "START,END", description = "Only this time range, as perf script's"
            + " --time: seconds.fraction (or ns), either side may be empty.")
    String time;

    @Option(names = "--symbol", paramLabel = "NAME[,NAME]", description = "Only instructions in, and branches from"
            + " or to, these symbols.")
    String symbols;

    @Option(names = "--no-replay", description = "Decode against the base images only (no TEXT_POKE replayed), to"
            + " show what replay changes.")
    boolean noReplay;

    @Mixin
    MappedFileOptions mappedFiles;

    @Option(names = "--threads", paramLabel = "N", description = "Decode with N threads, one queue (CPU) each"
            + " (default: the number of processors; 1 decodes in the calling thread). The output is the same"
            + " for every N.")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        if (summary && insns) {
            throw new ParameterException(spec.commandLine(), "--summary and --insns exclude each other");
        }
        if (summary && (task || !pids.isEmpty() || !tids.isEmpty() || !comms.isEmpty())) {
            // The counts are of the whole trace: a filter of lines would be silently ignored.
            throw new ParameterException(spec.commandLine(), "--task, --pid, --tid and --comm are about lines;"
                    + " --summary counts the whole trace");
        }
        Set<Integer> cpuFilter = cpus == null ? null : parseCpus(cpus);
        long[] range = time == null ? new long[] {Long.MIN_VALUE, Long.MAX_VALUE} : parseTime(time);
        Set<String> symbolFilter = symbols == null ? Set.of() : new LinkedHashSet<>(List.of(symbols.split(",")));
        // Names and ids that no line can have: the filter would print nothing, without a word.
        if (symbolFilter.contains("") || symbols != null && symbols.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--symbol needs names (NAME[,NAME])");
        }
        if (comms.contains("")) {
            throw new ParameterException(spec.commandLine(), "--comm needs command names (COMM[,COMM])");
        }
        for (int id : pids) {
            if (id < 0) {
                throw new ParameterException(spec.commandLine(), "--pid " + id + ": not a process id");
            }
        }
        for (int id : tids) {
            if (id < 0) {
                throw new ParameterException(spec.commandLine(), "--tid " + id + ": not a thread id");
            }
        }
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1");
        }
        if (PerfData.STDIN.equals(file)) {
            // One pass gathers the trace, a second replays the code modifications before decoding.
            // A well-formed request standard input cannot satisfy: one line, no synopsis.
            throw new CommandError("decode reads the input twice (the trace, then the code modifications in time"
                    + " order): give a file, not standard input");
        }
        PrintWriter err = spec.commandLine().getErr();
        try (PerfData data = PerfData.open(file); IntelPtData pt = IntelPtData.read(data)) {
            InputWarnings.notes(data, err);
            checkCpus(cpuFilter, data);
            List<BaseImage> bases = images.load(data);
            // After damage the trace before it is still decoded: so are the code modifications before it.
            CodeTimeline timeline = noReplay ? baseOnly(bases)
                    : pt.damage().isPresent() ? PerfTimeline.buildBeforeDamage(data, bases)
                    : PerfTimeline.build(data, bases);
            if (bases.isEmpty()) {
                err.println("textpoke decode: " + file + ": no kernel code: no kcore_dir beside the file and no"
                        + " --kcore, --vmlinux, --image or --module; every kernel address is a gap");
            }
            TraceSetup setup = TraceSetup.of(pt.info(), pt.config()).withTsc(pt.tsc());
            ProcessCode processes = processCode(data, pt);
            List<AuxQueue> queues = new ArrayList<>();
            for (AuxQueue q : pt.queues().queues()) {
                if (cpuFilter == null || cpuFilter.contains(q.cpu())) {
                    queues.add(q);
                }
            }
            List<List<DecodeUnit>> units = new ArrayList<>();
            for (List<DecodeUnit> planned : UnitPlanner.planAll(pt.queues(), queues, setup, threadCount)) {
                List<DecodeUnit> kept = new ArrayList<>();
                for (DecodeUnit u : planned) {
                    // Units wholly outside --time are not decoded at all.
                    if (u.endTime() >= range[0] && u.startTime() <= range[1]) {
                        kept.add(u);
                    }
                }
                units.add(kept);
            }
            if (summary) {
                List<DecodeUnit> all = new ArrayList<>();
                units.forEach(all::addAll);
                Progress progress = Progress.onTerminal(err, "decode");
                DecodeCounts total = UnitPool.count(all, threadCount, setup, () -> worker(timeline, processes),
                        done -> progress.update(done, all.size(), "units of trace"));
                progress.done();
                PrintWriter out = spec.commandLine().getOut();
                out.print(DecodeSummaryText.format(total, timeline.modificationCount(), json));
                out.flush();
            } else {
                printLines(queues, units, timeline, processes, new Tasks(pt.sideband(), processes), setup, range, symbolFilter,
                        threadCount);
            }
            if (pt.damage().isPresent()) {
                InputFormatException d = pt.damage().get();
                err.println("textpoke decode: " + d.getMessage());
                return ExitStatus.BAD_INPUT;
            }
            // Damage that did not stop the records (feature sections past the end of a cut file).
            return InputWarnings.after(data, spec.commandLine().getOut(), err, ExitStatus.OK);
        }
    }

    /** Decodes each queue in order (in a thread of its own when there are threads) and merges the lines by time. */
    private void printLines(List<AuxQueue> queues, List<List<DecodeUnit>> units, CodeTimeline timeline,
            ProcessCode processes, Tasks tasks, TraceSetup setup, long[] range, Set<String> symbolFilter,
            int threadCount) throws IOException {
        DecodeFormat.Options options = new DecodeFormat.Options(insns, json, range[0], range[1], symbolFilter,
                ptwrite, power, transactions, CbrScale.of(setup.tsc(), setup.maxNonTurboRatio()),
                new DecodeFormat.TaskFilter(task, Set.copyOf(pids), Set.copyOf(tids), Set.copyOf(comms)));
        List<QueueLines> sources = new ArrayList<>();
        List<QueueDecoder> decoders = new ArrayList<>();
        List<AutoCloseable> open = new ArrayList<>();
        int totalUnits = units.stream().mapToInt(List::size).sum();
        Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "decode");
        try {
            for (int i = 0; i < queues.size(); i++) {
                AuxQueue q = queues.get(i);
                UnitPool.Worker w = worker(timeline, processes);
                open.add(w);
                QueueDecoder decoder = new QueueDecoder(units.get(i), setup, w.code());
                open.add(decoder);
                decoders.add(decoder);
                QueueLines lines = threadCount > 1
                        ? new ThreadedLines(decoder, "decode-cpu" + q.cpu()) : new QueueLines(decoder);
                decoder.start(new DecodeFormat(q.cpu(), names(timeline, processes, q), options,
                        t -> tasks.at(q.cpu(), q.tid(), t), lines.target()));
                sources.add(lines);
            }
            for (QueueLines l : sources) {
                if (l instanceof ThreadedLines t) {
                    t.start();
                }
            }
            OutputStream out = new WriterOutput(spec.commandLine().getOut());
            LineMerger.merge(sources, out, () -> progress.update(
                    decoders.stream().mapToInt(QueueDecoder::unitsStarted).sum(), totalUnits, "units of trace"));
            out.flush();
            progress.done();
        } finally {
            for (QueueLines l : sources) {
                if (l instanceof ThreadedLines t) {
                    t.stop();
                }
            }
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing caches and files after the output is written: nothing to report
                }
            }
        }
    }

    /**
     * The user-space code of the recording's processes, from its MMAP records and the files they
     * name (found where perf finds them, under {@code --symfs} when given).
     */
    private ProcessCode processCode(PerfData data, IntelPtData pt) {
        ObjectFiles.Config c = mappedFiles.config();
        Map<String, Bytes> ids = new HashMap<>();
        try {
            data.features().get(FeatureId.BUILD_ID, Feature.BuildIds.class)
                    .ifPresent(b -> b.entries().forEach(e -> ids.put(e.name(), e.buildId())));
        } catch (IOException e) {
            // a damaged BUILD_ID feature: files are found by their paths
        }
        return new ProcessCode(pt.sideband(), c, ids);
    }

    /** Names for a queue's addresses: the kernel's from the timeline, user space's from the mapped files. */
    private static DecodeFormat.Names names(CodeTimeline timeline, ProcessCode processes, AuxQueue q) {
        return (addr, t) -> ProcessCode.isKernel(addr) ? timeline.symbolize(addr, t)
                : processes.symbol(processes.pidAt(q.cpu(), q.tid(), t), addr, t);
    }

    /** One thread's code caches: a Capstone handle, decoded instructions and blocks over the timeline. */
    private static UnitPool.Worker worker(CodeTimeline timeline, ProcessCode processes) {
        InstructionClassifier c = InstructionClassifier.open(Isa.X86_64);
        // 32-bit processes (compatibility mode): their code decoded as 32-bit instructions
        InstructionClassifier c32 = InstructionClassifier.open(Isa.X86_32);
        BlockCache blocks = new BlockCache(timeline, new InstructionCache(timeline, c));
        BlockCache blocks32 = new BlockCache(timeline, new InstructionCache(timeline, c32));
        ProcessBlocks code = new ProcessBlocks(blocks, processes, c, blocks32, c32);
        return new UnitPool.Worker() {
            @Override
            public UnitCode code() {
                return code;
            }

            @Override
            public void close() {
                c.close();
                c32.close();
            }
        };
    }

    private static CodeTimeline baseOnly(List<BaseImage> bases) throws IOException {
        var b = CodeTimeline.builder();
        bases.forEach(b::image);
        return b.build();
    }

    private Set<Integer> parseCpus(String list) {
        Set<Integer> out = new TreeSet<>();
        try {
            for (String part : list.split(",")) {
                int dash = part.indexOf('-');
                if (dash < 0) {
                    out.add(Integer.parseInt(part.strip()));
                } else {
                    int a = Integer.parseInt(part.substring(0, dash).strip());
                    int b = Integer.parseInt(part.substring(dash + 1).strip());
                    if (a < 0 || b < a) {
                        throw new NumberFormatException(part);
                    }
                    for (int c = a; c <= b; c++) {
                        out.add(c);
                    }
                }
            }
        } catch (NumberFormatException e) {
            // perf says "Invalid cpu_list" (a range that goes down, a negative CPU, a word)
            throw new ParameterException(spec.commandLine(), "--cpu " + list + ": not a CPU list (e.g. 0,2-3)");
        }
        return out;
    }

    /**
     * A CPU the recording cannot have (at or past its nr_cpus_available, NRCPUS feature) is refused,
     * as perf refuses it ("Requested CPU 99 too large"): the filter would silently print nothing.
     */
    private static void checkCpus(Set<Integer> cpus, PerfData data) {
        if (cpus == null) {
            return;
        }
        Optional<Feature.NrCpus> n;
        try {
            n = data.features().get(FeatureId.NRCPUS, Feature.NrCpus.class);
        } catch (IOException e) {
            return; // a damaged feature section is reported with the rest of the damage
        }
        if (n.isPresent()) {
            long available = n.get().available();
            for (int c : cpus) {
                if (c >= available) {
                    throw new CommandError("--cpu " + c + ": the recording's machine has " + available
                            + " CPU" + (available == 1 ? "" : "s") + " (0-" + (available - 1) + ")");
                }
            }
        }
    }

    private long[] parseTime(String range) {
        int comma = range.indexOf(',');
        String a = comma < 0 ? range : range.substring(0, comma);
        String b = comma < 0 ? "" : range.substring(comma + 1);
        try {
            long from = a.isBlank() ? Long.MIN_VALUE : PerfTime.parse(a);
            long to = b.isBlank() ? Long.MAX_VALUE : PerfTime.parse(b);
            if (from > to) {
                // perf says "Invalid time string"; the range would hold nothing
                throw new ParameterException(spec.commandLine(), "--time " + range + ": the start is after the end");
            }
            return new long[] {from, to};
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "--time " + range + ": " + e.getMessage());
        }
    }
}
