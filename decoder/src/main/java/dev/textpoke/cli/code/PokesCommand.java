package dev.textpoke.cli.code;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.InputWarnings;
import dev.textpoke.cli.format.JsonLine;
import dev.textpoke.code.AppliedModification;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.Modification;
import dev.textpoke.code.OldBytesCheck;
import dev.textpoke.code.perf.PerfTimeline;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.feature.FeatureId;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke pokes FILE}: every code modification of a perf.data in time order, replayed over
 * the base images with each one's old bytes checked against the model.
 */
@Command(name = "pokes", mixinStandardHelpOptions = true,
        description = "Lists every code modification (TEXT_POKE) in time order: time, cpu, address, symbol,"
                + " old -> new bytes disassembled, the kind of site, and whether the old bytes matched the"
                + " model of kernel text (base images plus the modifications before).")
public final class PokesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "perf.data file, directory, or - for a pipe on stdin")
    String file;

    @Mixin
    ImageOptions images;

    @Option(names = "--json", description = "One JSON object per modification: time, cpu, addr, symbol, old,"
            + " new, kind, old_matches (true, false, or null when no image covers it), and more.")
    boolean json;

    @Option(names = "--check", description = "Exit with status 1 when the old bytes of any modification did not"
            + " match the model, and print a summary (modifications per kind, old-bytes checks) on stderr.")
    boolean check;

    @Option(names = "--wide", description = "Print everything on each line (the bytes before and after, and why the"
            + " old bytes do not match), however long; by default a line fits in 160 columns.")
    boolean wide;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PokeSummary summary = new PokeSummary();
        try (PerfData data = PerfData.open(file)) {
            InputWarnings.notes(data, spec.commandLine().getErr());
            CodeTimeline t = PerfTimeline.build(data, images.load(data));
            if (t.modifications().isEmpty()) {
                spec.commandLine().getErr().println("textpoke pokes: " + file + " holds no code modifications"
                        + NoPokes.why(data));
            }
            Isa isa = isa(data);
            PokeLines lines = new PokeLines(t, wide);
            try (InstructionClassifier c = t.modifications().isEmpty() ? null : InstructionClassifier.open(isa)) {
                for (AppliedModification a : t.modifications()) {
                    PokeInstructions insns = PokeInstructions.of(t, c, a);
                    out.println(json ? json(t, insns, a) : lines.text(insns, a));
                    summary.add(a);
                }
            }
            int status = ExitStatus.OK;
            if (check) {
                out.flush();
                spec.commandLine().getErr().println("textpoke pokes: " + summary);
                status = summary.mismatched() > 0 ? ExitStatus.FINDINGS : ExitStatus.OK;
            }
            // Damage that did not stop the records (feature sections past the end of a cut file).
            return InputWarnings.after(data, out, spec.commandLine().getErr(), status);
        }
    }

    /** The instruction set of the recorded machine: the ARCH feature's, x86-64 without one. */
    public static Isa isa(PerfData data) throws IOException {
        String arch = data.features().string(FeatureId.ARCH).orElse("x86_64");
        return arch.equals("aarch64") || arch.equals("arm64") ? Isa.A64 : Isa.X86_64;
    }

    static String symbol(CodeTimeline t, Modification m) {
        return t.symbolize(m.address(), m.time()).map(Object::toString).orElse(null);
    }

    private static String json(CodeTimeline t, PokeInstructions insns, AppliedModification a) {
        Modification m = a.modification();
        JsonLine j = new JsonLine()
                .putUnsigned("time", m.time())
                .put("cpu", m.cpu())
                .putHex("addr", m.address())
                .put("symbol", symbol(t, m))
                .put("old", m.oldBytes().hex())
                .put("new", m.newBytes().hex())
                .put("kind", m.kind().label())
                .put("old_matches", a.check().oldMatches())
                .putHex("insn_addr", insns.start())
                .put("old_insn", insns.before())
                .put("new_insn", insns.after());
        if (a.check().outcome() != OldBytesCheck.Outcome.MATCHED) {
            j.put("model", a.check().model().toString().replace(" ", ""));
        }
        a.check().cause().ifPresent(cause -> j.put("cause", cause.name().toLowerCase(java.util.Locale.ROOT)));
        return j.toString();
    }
}
