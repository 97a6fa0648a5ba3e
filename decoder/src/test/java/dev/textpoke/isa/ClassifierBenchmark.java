package dev.textpoke.isa;

import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ElfHeader;
import dev.textpoke.elf.Section;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Not a test: a throughput benchmark of {@link InstructionClassifier}, run by bench/isa-classify.
 * Linear sweep over every executable section of an ELF file (x86-64 or AArch64), one instruction
 * at a time as a decoder asks for them; prints instructions per second for each of the runs.
 *
 * <pre>java ... dev.textpoke.isa.ClassifierBenchmark FILE [RUNS]</pre>
 */
public final class ClassifierBenchmark {
    private ClassifierBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        byte[] code;
        Isa isa;
        try (ElfFile elf = ElfFile.open(file)) {
            isa = elf.header().machine() == ElfHeader.EM_AARCH64 ? Isa.A64 : Isa.X86_64;
            long total = 0;
            for (Section s : elf.sections()) {
                if (s.isExecutable() && s.hasFileBytes()) {
                    total += s.size();
                }
            }
            code = new byte[(int) total];
            int at = 0;
            for (Section s : elf.sections()) {
                if (s.isExecutable() && s.hasFileBytes()) {
                    ByteBuffer b = elf.contents(s);
                    b.get(0, code, at, b.remaining());
                    at += b.remaining();
                }
            }
        }
        try (InstructionClassifier c = InstructionClassifier.open(isa)) {
            for (int run = 0; run < runs; run++) {
                long t0 = System.nanoTime();
                long insns = 0;
                long branches = 0;
                int pos = 0;
                while (pos < code.length) {
                    Decoded d = c.classify(code, pos, code.length - pos, 0x400000L + pos);
                    int len = d instanceof Instruction i ? i.length() : (isa == Isa.A64 ? 4 : 1);
                    if (d instanceof Instruction i && i.branchClass() != BranchClass.NONE) {
                        branches++;
                    }
                    insns++;
                    pos += len;
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("run %d: %s %d bytes, %d instructions (%d branches) in %.3f s: %.2f M instructions/s%n",
                        run, isa, code.length, insns, branches, s, insns / s / 1e6);
            }
        }
    }
}
