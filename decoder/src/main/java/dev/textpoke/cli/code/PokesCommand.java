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

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PokeSummary summary = new PokeSummary();
        try (PerfData data = PerfData.open(file)) {
            InputWarnings.notes(data, spec.commandLine().getErr());
            CodeTimeline t = PerfTimeline.build(data, images.load(data));
            Isa isa = isa(data);
            try (InstructionClassifier c = InstructionClassifier.open(isa)) {
                for (AppliedModification a : t.modifications()) {
                    PokeInstructions insns = PokeInstructions.of(t, c, a);
                    out.println(json ? json(t, insns, a) : text(t, insns, a));
                    summary.add(a);
                }
            }
        }
        if (!check) {
            return ExitStatus.OK;
        }
        out.flush();
        spec.commandLine().getErr().println("textpoke pokes: " + summary);
        return summary.mismatched() > 0 ? ExitStatus.FINDINGS : ExitStatus.OK;
    }

    static Isa isa(PerfData data) throws IOException {
        String arch = data.features().string(FeatureId.ARCH).orElse("x86_64");
        return arch.equals("aarch64") || arch.equals("arm64") ? Isa.A64 : Isa.X86_64;
    }

    private static String symbol(CodeTimeline t, Modification m) {
        return t.symbolize(m.address(), m.time()).map(Object::toString).orElse(null);
    }

    private static String text(CodeTimeline t, PokeInstructions insns, AppliedModification a) {
        Modification m = a.modification();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%16s [%03d] %16x %-28s %-17s ", PerfTime.format(m.time()),
                m.cpu(), m.address(), Objects.requireNonNullElse(symbol(t, m), "-"), m.kind().label()));
        sb.append(orDash(m.oldBytes().spacedHex())).append(" -> ").append(orDash(m.newBytes().spacedHex()));
        if (insns.start() != m.address()) {
            sb.append("  at ").append(Long.toHexString(insns.start()));
        }
        sb.append("  (").append(orDash(insns.before())).append(" -> ").append(orDash(insns.after()))
                .append(")  ");
        OldBytesCheck k = a.check();
        sb.append(switch (k.outcome()) {
            case MATCHED -> "old bytes match";
            case NOT_COVERED -> "old bytes not covered by any image";
            case MISMATCHED -> "OLD BYTES DO NOT MATCH: model has " + k.model() + " ("
                    + k.cause().orElseThrow().description() + ")";
        });
        return sb.toString();
    }

    /** The text, or "-" when it is empty. */
    private static String orDash(String hex) {
        return hex.isEmpty() ? "-" : hex;
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
