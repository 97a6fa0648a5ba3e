package dev.textpoke.branches;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Symbol;
import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ProgramHeader;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.perf.oracle.TraceFiles;
import dev.textpoke.perf.record.BranchEntry;
import dev.textpoke.sim.lbr.LbrTraceWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A user-space LBR recording of a real program, as {@code perf record -b -e
 * BR_INST_RETIRED.NEAR_TAKEN:u} would leave it: a small C program ({@code
 * traces/branches/lbr-demo/prog.c}: static, no libc, no indirect branches), its flow followed from
 * its entry through its own instructions (Capstone classifies each; a conditional branch is taken
 * or not at random, calls and returns pair up), every taken branch an LBR entry, and a sample
 * every few dozen taken branches with the last 16, newest first, and the instruction about to run
 * as its ip. Now and then an interrupt comes before an instruction: the LBR records only its
 * return, from the kernel's IRETQ to that instruction, as a ring-filtered LBR does. The process gets a COMM (exec) and an MMAP2 of the program's code segment under a
 * path of the caller's choosing. So every range of every stack is code that the program has, on
 * instruction boundaries: what perf's brstackinsn and textpoke both read from the file.
 */
public final class UserProgramTrace {
    public static final int PID = 4242;
    private static final long KERNEL_TEXT = 0xffffffff81000000L;
    private static final int IRET_OFFSET = 0x10000;
    /** The kernel's IRETQ: where each recorded return from an interrupt comes from. */
    static final long KERNEL_IRET = KERNEL_TEXT + IRET_OFFSET;
    /** One instruction in this many is interrupted. */
    private static final int INTERRUPT_EVERY = 150;

    /** The program's source, committed (loops, conditions and calls; its entry never returns). */
    public static final String SOURCE = "traces/branches/lbr-demo/prog.c";
    /** Where the committed recording's program was, as its MMAP2 says (under --symfs traces/branches/lbr-demo). */
    public static final String DEMO_PATH = "/usr/local/bin/lbr-demo";

    /** The compiled program, the address its code segment is mapped at, and that segment. */
    public record Program(Path file, long mapAddress, long mapLength, long pgoff, long entry) {}

    private UserProgramTrace() {}

    /** Compiles the committed source into {@code dir} as {@code generate.sh} does. */
    public static Program compile(Path dir) throws IOException, InterruptedException {
        Path prog = dir.resolve("prog");
        run("gcc", "-O1", "-fno-jump-tables", "-fno-inline", "-nostdlib", "-static", "-no-pie", "-Wl,-e,entry",
                "-o", prog.toString(), TraceFiles.root().resolve(SOURCE).toString());
        return of(prog);
    }

    /** A compiled program: where its code segment is mapped (its file offsets as the loader maps them). */
    public static Program of(Path prog) throws IOException {
        try (ElfFile elf = ElfFile.open(prog)) {
            ProgramHeader text = elf.programHeaders().stream().filter(p -> p.isLoad() && p.isExecutable())
                    .findFirst().orElseThrow();
            long addr = text.vaddr() & ~0xfffL;
            long end = (text.vaddr() + text.memsz() + 0xfff) & ~0xfffL;
            return new Program(prog, addr, end - addr, text.offset() & ~0xfffL, elf.header().entry());
        }
    }

    /**
     * Makes {@code traces/branches/user.data} (run by {@code traces/branches/generate.sh}) from the
     * committed program {@code traces/branches/lbr-demo/usr/local/bin/lbr-demo}, recorded as at
     * {@link #DEMO_PATH}. The tests regenerate it and compare.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "traces/branches");
        Path prog = TraceFiles.root().resolve("traces/branches/lbr-demo" + DEMO_PATH);
        write(of(prog), DEMO_PATH, dir.resolve("user.data"), 40, 20261207);
    }

    /**
     * Writes the recording of {@code samples} samples of the program's flow into {@code dir} (a
     * perf.data directory), the program's MMAP2 naming {@code mappedName}.
     */
    public static void write(Program p, String mappedName, Path dir, int samples, long seed) throws IOException {
        write(p, mappedName, dir, samples, seed, Faults.NONE);
    }

    /**
     * What goes wrong in a recording, one in so many (never when 0): a taken branch recorded one byte
     * into its instruction, as an LBR read against another build of the program looks; a sample
     * whose ip lags behind its newest branch (the program's first instruction), as an LBR missing a
     * branch or two looks.
     */
    public record Faults(int misalignEvery, int lagEvery) {
        public static final Faults NONE = new Faults(0, 0);
    }

    /** As {@link #write(Program, String, Path, int, long)}, with faults. */
    public static void write(Program p, String mappedName, Path dir, int samples, long seed, Faults faults)
            throws IOException {
        byte[] file = Files.readAllBytes(p.file());
        byte[] code = Arrays.copyOfRange(file, (int) p.pgoff(),
                (int) Math.min(file.length, p.pgoff() + p.mapLength()));
        Random rnd = new Random(seed);
        // A kernel of one function, the IRETQ that ends its interrupts, 64 KB into its text (the
        // writer's recording is perf record --kcore -a's). perf's brstackinsn compares an address
        // with the last symbol it printed in the address space of each one's own file (a kcore
        // offset against a program's file offset): at the start of the kernel's text the two would
        // meet, and perf would leave out a symbol line where the program's code begins.
        byte[] text = new byte[IRET_OFFSET + 2];
        text[IRET_OFFSET] = 0x48;
        text[IRET_OFFSET + 1] = (byte) 0xcf;
        BaseImage kernel = new BaseImage("kernel", List.of(new ImageSegment(KERNEL_TEXT, Bytes.of(text))),
                List.of(new Symbol("_text", KERNEL_TEXT, 0), new Symbol("irq_return", KERNEL_IRET, 2)));
        try (InstructionClassifier classifier = InstructionClassifier.open(Isa.X86_64);
                LbrTraceWriter w = LbrTraceWriter.create(dir, kernel, new LbrTraceWriter.Config(64, false, 2, true),
                        1_000)) {
            long t = 2_000;
            w.comm(t++, 0, PID, PID, "prog", true);
            w.mmap2(t++, 0, PID, PID, p.mapAddress(), p.mapLength(), p.pgoff(), mappedName);
            Map<Long, Instruction> decoded = new HashMap<>();
            ArrayDeque<Long> calls = new ArrayDeque<>();
            ArrayDeque<BranchEntry> lbr = new ArrayDeque<>();
            long pc = p.entry();
            for (int s = 0; s < samples; s++) {
                int until = 20 + rnd.nextInt(40);
                for (int taken = 0; taken < until;) {
                    Instruction x = decoded.get(pc);
                    if (x == null) {
                        Decoded d = classifier.classify(code, (int) (pc - p.mapAddress()),
                                Math.min(15, code.length - (int) (pc - p.mapAddress())), pc);
                        x = (Instruction) d;
                        decoded.put(pc, x);
                    }
                    if (rnd.nextInt(INTERRUPT_EVERY) == 0) {
                        // An interrupt before this instruction: a :u LBR does not record the way in,
                        // only the way back (IRETQ in the kernel to here).
                        record(lbr, KERNEL_IRET, pc, rnd);
                        taken++;
                    }
                    long to;
                    BranchClass k = x.branchClass();
                    if (k == BranchClass.NONE || k == BranchClass.CONDITIONAL && rnd.nextBoolean()) {
                        pc = x.next();
                        continue;
                    } else if (k == BranchClass.CONDITIONAL || k == BranchClass.UNCONDITIONAL_DIRECT) {
                        to = x.target();
                    } else if (k == BranchClass.CALL && x.hasTarget()) {
                        calls.push(x.next());
                        to = x.target();
                    } else if (k == BranchClass.RETURN && !calls.isEmpty()) {
                        to = calls.pop();
                    } else {
                        throw new IllegalStateException("the program has " + x.text() + " at " + Long.toHexString(pc));
                    }
                    boolean misaligned = faults.misalignEvery() > 0 && x.length() > 1
                            && rnd.nextInt(faults.misalignEvery()) == 0;
                    record(lbr, misaligned ? pc + 1 : pc, to, rnd);
                    pc = to;
                    taken++;
                }
                t += 1_000 + rnd.nextInt(1_000);
                boolean lags = faults.lagEvery() > 0 && rnd.nextInt(faults.lagEvery()) == 0;
                w.sample(t, 0, PID, PID, lags ? p.mapAddress() : pc, -1, new ArrayList<>(lbr));
            }
        }
    }

    /** The newest entry of a 16-entry LBR: predicted, and a few cycles (perf prints them with the block's IPC). */
    private static void record(ArrayDeque<BranchEntry> lbr, long from, long to, Random rnd) {
        lbr.push(new BranchEntry(from, to, 2 | (long) (1 + rnd.nextInt(30)) << 4));
        if (lbr.size() > 16) {
            lbr.removeLast();
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (proc.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

}
