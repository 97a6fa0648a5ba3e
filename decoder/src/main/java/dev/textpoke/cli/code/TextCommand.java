package dev.textpoke.cli.code;

import dev.textpoke.cli.CommandError;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.InputWarnings;
import dev.textpoke.cli.format.CodeText;
import dev.textpoke.cli.format.PerfTime;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.SymbolOffset;
import dev.textpoke.code.perf.PerfTimeline;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.perf.PerfData;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke text FILE --at TIME ADDR[-END]}: the disassembly of a range as it was at a time,
 * laid out as {@code objdump -d} lays it out (a {@code <symbol>:} line where a symbol starts, then
 * address, bytes and instruction in fixed columns).
 */
@Command(name = "text", mixinStandardHelpOptions = true,
        description = "Disassembles ADDR up to END (default: 64 bytes) as the code was at TIME, with every"
                + " modification of the perf.data before TIME applied.")
public final class TextCommand implements Callable<Integer> {
    private static final int DEFAULT_LENGTH = 64;
    /** A range longer than this is refused: it is meant for reading, not for dumping the kernel. */
    private static final long MAX_LENGTH = 1 << 20;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "perf.data file, directory, or - for a pipe on stdin")
    String file;

    @Parameters(index = "1", paramLabel = "ADDR[-END]", description = "Start and optionally end (exclusive): each a"
            + " hex address or SYMBOL[+OFF] (hex offset). A bare SYMBOL with a known size shows the whole symbol;"
            + " otherwise 64 bytes.")
    String range;

    @Option(names = "--at", required = true, paramLabel = "TIME",
            description = "perf time: nanoseconds, or seconds.fraction as perf script prints it (microseconds,"
                    + " or nanoseconds with --ns; a trailing colon is allowed).")
    String at;

    @Mixin
    ImageOptions images;

    @Option(names = "--json", description = "One JSON object per instruction or gap (docs/json.md).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        long time = parseTime(at);
        String[] ends = range.split("-", 2);
        for (String end : ends) {
            if (end.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "not an address range: " + range);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try (PerfData data = PerfData.open(file)) {
            InputWarnings.notes(data, spec.commandLine().getErr());
            CodeTimeline t = PerfTimeline.build(data, images.load(data));
            CodeAddress from = address(ends[0], t, time);
            long start = from.address();
            long end = ends.length > 1 ? address(ends[1], t, time).address()
                    : start + (from.size() > 0 && from.size() <= MAX_LENGTH ? from.size() : DEFAULT_LENGTH);
            if (Long.compareUnsigned(end, start) <= 0 || Long.compareUnsigned(end - start, MAX_LENGTH) > 0) {
                throw new CommandError("the range must be 1 byte to 1 MB long: " + range);
            }
            LongFunction<Optional<SymbolOffset>> names = target -> t.symbolize(target, time);
            TextListing listing = new TextListing(out, json, t.images().isEmpty() && t.regions().isEmpty());
            try (InstructionClassifier c = InstructionClassifier.open(PokesCommand.isa(data))) {
                InstructionCache cache = new InstructionCache(t, c);
                long addr = start;
                while (Long.compareUnsigned(addr, end) < 0) {
                    Decoded d = cache.at(addr, time);
                    Optional<SymbolOffset> sym = t.symbolize(addr, time);
                    if (d instanceof Instruction i) {
                        listing.instruction(addr, sym, t.bytes(addr, i.length(), time).bytes().toArray(),
                                CodeText.text(i, names));
                        addr += i.length();
                    } else if (t.bytes(addr, 1, time).noneKnown()) {
                        long gap = addr;
                        while (Long.compareUnsigned(addr, end) < 0 && t.bytes(addr, 1, time).noneKnown()) {
                            addr++;
                        }
                        listing.gap(gap, addr - gap, sym);
                    } else {
                        // Bytes that decode to nothing, or an instruction cut by a gap (a relocation
                        // that could not be resolved, released text): say which.
                        int known = t.bytes(addr, CodeTimeline.VERSION_SPAN, time).knownPrefix();
                        listing.undecodable(addr, sym, t.bytes(addr, 1, time).bytes().toArray(),
                                known < CodeTimeline.VERSION_SPAN - 1 ? OptionalLong.of(addr + known) : OptionalLong.empty());
                        addr++;
                    }
                }
            }
            out.flush();
            return InputWarnings.after(data, out, spec.commandLine().getErr(), ExitStatus.OK);
        }
    }

    private CodeAddress address(String s, CodeTimeline t, long time) {
        try {
            return CodeAddress.parse(s, t, time);
        } catch (IllegalArgumentException e) {
            throw new CommandError(e.getMessage());
        }
    }

    private long parseTime(String s) {
        try {
            return PerfTime.parse(s);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "not a perf time (ns, or seconds.fraction as perf"
                    + " script prints it): " + s);
        }
    }
}
