package dev.textpoke.cli.arm64;

import dev.textpoke.arm64.A64Class;
import dev.textpoke.arm64.Arm64Validation;
import dev.textpoke.arm64.Arm64Validation.ImageReport;
import dev.textpoke.arm64.CapstoneCrossCheck;
import dev.textpoke.arm64.CmodxProfile;
import dev.textpoke.arm64.CmodxValidator;
import dev.textpoke.arm64.Finding;
import dev.textpoke.arm64.Patch;
import dev.textpoke.arm64.Verdict;
import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.Progress;
import dev.textpoke.cli.format.JsonLine;
import dev.textpoke.elf.ElfInputs;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code textpoke validate-arm64}: checks arm64 code patches against the CMODX rules. */
@Command(name = "validate-arm64", mixinStandardHelpOptions = true,
        description = {
            "Checks arm64 code patches against the architecture's concurrent-modification rules (CMODX).",
            "It reads the jump-label and ftrace sites of arm64 vmlinux or module files (.ko, .ko.xz,"
                    + " .ko.zst), or the patches listed in a file.",
            "Each patch gets two answers: tear-safe (old and new word both in the old-or-new set, one aligned"
                    + " 32-bit store, B/BL target in range) and visibility (what synchronisation follows).",
            "Exit status: 0 all runtime patches tear-safe; 1 a runtime patch is not tear-safe;"
                    + " 2 bad usage or unreadable input."},
        footer = {"", "Patches file: one patch per line, 'ADDRESS OLD NEW [VISIBILITY] [runtime|load]',"
                + " words as 8 hex digits (comma-joined for several), or b:ADDR / bl:ADDR;"
                + " VISIBILITY is none, local, ipi, stop_machine or membarrier."})
public final class ValidateArm64Command implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    static final class Input {
        @Option(names = "--patches", paramLabel = "FILE", description = "A file of patches to check.")
        Path patches;

        @Parameters(paramLabel = "IMAGE", arity = "1..*",
                description = "arm64 vmlinux or kernel module files (.ko, .ko.xz, .ko.zst).")
        List<Path> images;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--extended", description = "Also accept B.cond, CBZ, CBNZ, TBZ, TBNZ (the later B2.2.5 list).")
    boolean extended;

    @Option(names = "--json", description = "One JSON object per site or patch (JSON Lines), then one summary per image.")
    boolean json;

    @Option(names = "--summary-only", description = "Print only the summary of each image and the totals.")
    boolean summaryOnly;

    @Option(names = "--check-classifier",
            description = "Also compare the mask classifier with Capstone on every code word of each image.")
    boolean checkClassifier;

    @Option(names = "--max-decompressed", paramLabel = "BYTES",
            description = "Largest decompressed module accepted (default: ${DEFAULT-VALUE}).")
    long maxDecompressed = ElfInputs.DEFAULT_MAX_DECOMPRESSED;

    private final Totals totals = new Totals();

    private static final class Totals {
        int images;
        int badImages;
        long jumpLabels;
        long ftraceFunctions;
        long transitions;
        long runtime;
        long loadTime;
        long notTearSafe;
        long failing;
        long words;
        long disagreements;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CmodxValidator validator = new CmodxValidator(extended ? CmodxProfile.EXTENDED : CmodxProfile.STRICT);
        try (InstructionClassifier a64 = InstructionClassifier.open(Isa.A64)) {
            if (input.patches != null) {
                List<Verdict> verdicts = Arm64Validation.validatePatches(input.patches, validator);
                for (Verdict v : verdicts) {
                    count(v);
                    print(out, v, a64);
                }
                printTotals(out, validator);
            } else {
                Progress progress = Progress.onTerminal(err, "validate-arm64");
                int done = 0;
                for (Path image : input.images) {
                    progress.update(done++, input.images.size(), "images");
                    try {
                        ImageReport r = Arm64Validation.validateImage(image, validator, maxDecompressed,
                                checkClassifier ? a64 : null);
                        report(out, r, a64);
                    } catch (InputFormatException | NoSuchFileException e) {
                        // Report and go on: one damaged module must not hide the others' results.
                        totals.badImages++;
                        out.flush();
                        err.println("textpoke: " + (e instanceof NoSuchFileException ? image + ": no such file"
                                : e.getMessage()));
                    }
                    out.flush();
                }
                progress.done();
                printTotals(out, validator);
            }
        }
        out.flush();
        if (totals.badImages > 0) {
            return ExitStatus.BAD_INPUT;
        }
        return totals.failing > 0 ? ExitStatus.FINDINGS : ExitStatus.OK;
    }

    private void report(PrintWriter out, ImageReport r, InstructionClassifier a64) {
        totals.images++;
        totals.jumpLabels += r.jumpLabelSites();
        totals.ftraceFunctions += r.ftraceFunctions();
        long runtimeUnsafe = 0;
        for (Verdict v : r.verdicts()) {
            count(v);
            if (v.failsRun()) {
                runtimeUnsafe++;
            }
            print(out, v, a64);
        }
        long runtime = r.verdicts().stream().filter(v -> v.patch().runtime()).count();
        CapstoneCrossCheck.Result cross = r.crossCheck();
        if (cross != null) {
            totals.words += cross.words();
            totals.disagreements += cross.disagreementCount();
        }
        if (json) {
            JsonLine summary = new JsonLine()
                    .put("jump_label_sites", r.jumpLabelSites())
                    .put("ftrace_functions", r.ftraceFunctions())
                    .put("ftrace_ops_literals", r.callOpsLiterals())
                    .put("ftrace_entries_without_code", r.ftraceEntriesSkipped())
                    .put("transitions", r.verdicts().size())
                    .put("runtime", runtime)
                    .put("load_time", r.verdicts().size() - runtime)
                    .put("runtime_not_tear_safe", runtimeUnsafe);
            if (cross != null) {
                summary.put("words", cross.words()).put("capstone_disagreements", cross.disagreementCount());
            }
            out.println(new JsonLine().put("image", r.image()).put("summary", summary));
        } else {
            out.printf("%s: %d jump_label sites, %d ftrace functions (%d with an ops literal%s); %d transitions"
                            + " (%d runtime, %d load-time); %d runtime transitions not tear-safe%n",
                    r.image(), r.jumpLabelSites(), r.ftraceFunctions(), r.callOpsLiterals(),
                    r.ftraceEntriesSkipped() == 0 ? "" : ", " + r.ftraceEntriesSkipped()
                            + " recorded entries point at no code", r.verdicts().size(),
                    runtime, r.verdicts().size() - runtime, runtimeUnsafe);
            if (cross != null) {
                out.printf("%s: classifier vs Capstone: %d words, %d disagreements%s%n", r.image(), cross.words(),
                        cross.disagreementCount(), classCounts(cross.byClass()));
                for (CapstoneCrossCheck.Disagreement d : cross.listed()) {
                    out.printf("    %s+0x%x %08x: masks say %s, Capstone says %s (%s)%n", d.section(), d.offset(),
                            d.word(), d.masks().manualName(), d.capstone().manualName(), d.text());
                }
            }
        }
    }

    private static String classCounts(Map<A64Class, Long> byClass) {
        StringBuilder sb = new StringBuilder(" [");
        for (Map.Entry<A64Class, Long> e : byClass.entrySet()) {
            if (e.getKey() != A64Class.OTHER) {
                sb.append(sb.length() > 2 ? ", " : "").append(e.getKey().manualName()).append(' ').append(e.getValue());
            }
        }
        return sb.append(']').toString();
    }

    private void count(Verdict v) {
        totals.transitions++;
        if (v.patch().runtime()) {
            totals.runtime++;
        } else {
            totals.loadTime++;
        }
        if (!v.tearSafe()) {
            totals.notTearSafe++;
        }
        if (v.failsRun()) {
            totals.failing++;
        }
    }

    private void print(PrintWriter out, Verdict v, InstructionClassifier a64) {
        Patch p = v.patch();
        if (json) {
            List<String> rules = new ArrayList<>();
            List<String> details = new ArrayList<>();
            for (Finding f : v.findings()) {
                rules.add(f.rule().id());
                details.add(f.detail());
            }
            out.println(new JsonLine()
                    .put("image", p.image())
                    .putHex("addr", p.address())
                    .put("region", p.region())
                    .put("section", p.section())
                    .put("section_offset", p.sectionOffset() < 0 ? null : "0x" + Long.toHexString(p.sectionOffset()))
                    .put("symbol", p.symbol())
                    .put("kind", p.kind().label())
                    .put("old", words(p.oldWords()))
                    .put("new", words(p.newWords()))
                    .put("old_insn", disassemble(a64, p.oldWords(), p.address()))
                    .put("new_insn", disassemble(a64, p.newWords(), p.address()))
                    .put("runtime", p.runtime())
                    .put("tear_safe", v.tearSafe())
                    .put("visibility", p.visibility().label())
                    .put("visible_on_every_cpu", p.visibility().everyCpuSynchronised())
                    .put("rule", v.rule())
                    .put("rules", rules)
                    .put("details", details)
                    .put("profile", v.profile().name().toLowerCase(java.util.Locale.ROOT))
                    .put("note", p.note()));
            return;
        }
        if (summaryOnly) {
            return;
        }
        String where = (p.region() == null ? "0x" + Long.toHexString(p.address())
                : p.region() + "+0x" + Long.toHexString(p.address()));
        out.printf("%s %s %s %s %s (%s) -> %s (%s) %s %s visibility=%s%n", p.image(), where,
                p.symbol() == null ? "?" : p.symbol(), p.kind().label(), words(p.oldWords()),
                disassemble(a64, p.oldWords(), p.address()), words(p.newWords()),
                disassemble(a64, p.newWords(), p.address()), p.runtime() ? "runtime" : "load-time",
                v.tearSafe() ? "tear-safe" : "NOT-tear-safe[" + v.rule() + "]", p.visibility().label());
        for (Finding f : v.findings()) {
            out.printf("    %s: %s -- %s%n", f.rule().id(), f.detail(), f.rule().clause());
        }
    }

    private void printTotals(PrintWriter out, CmodxValidator validator) {
        if (json) {
            JsonLine t = new JsonLine().put("images", totals.images).put("unreadable_images", totals.badImages)
                    .put("jump_label_sites", totals.jumpLabels).put("ftrace_functions", totals.ftraceFunctions)
                    .put("transitions", totals.transitions).put("runtime", totals.runtime)
                    .put("load_time", totals.loadTime).put("not_tear_safe", totals.notTearSafe)
                    .put("runtime_not_tear_safe", totals.failing)
                    .put("profile", validator.profile().name().toLowerCase(java.util.Locale.ROOT));
            if (checkClassifier) {
                t.put("words", totals.words).put("capstone_disagreements", totals.disagreements);
            }
            out.println(new JsonLine().put("totals", t));
            return;
        }
        String found = input.patches != null ? totals.transitions + " patches"
                : String.format("%d images (%d unreadable), %d jump_label sites, %d ftrace functions; %d transitions",
                        totals.images, totals.badImages, totals.jumpLabels, totals.ftraceFunctions, totals.transitions);
        out.printf("total: %s (%d runtime, %d load-time); %d not tear-safe, %d of them runtime; profile %s: %s%n",
                found, totals.runtime, totals.loadTime, totals.notTearSafe, totals.failing,
                validator.profile().name().toLowerCase(java.util.Locale.ROOT), validator.profile().source());
        if (checkClassifier) {
            out.printf("total: classifier vs Capstone: %d words, %d disagreements%n", totals.words,
                    totals.disagreements);
        }
    }

    private static String words(List<Integer> ws) {
        StringBuilder sb = new StringBuilder();
        for (int w : ws) {
            sb.append(sb.length() > 0 ? "," : "").append(String.format("%08x", w));
        }
        return sb.toString();
    }

    private static String disassemble(InstructionClassifier a64, List<Integer> ws, long address) {
        StringBuilder sb = new StringBuilder();
        long pc = address;
        for (int w : ws) {
            byte[] b = {(byte) w, (byte) (w >>> 8), (byte) (w >>> 16), (byte) (w >>> 24)};
            Decoded d = a64.classify(b, pc);
            sb.append(sb.length() > 0 ? "; " : "").append(d instanceof Instruction i ? i.text() : ".word 0x"
                    + String.format("%08x", w));
            pc += 4;
        }
        return sb.toString();
    }
}
