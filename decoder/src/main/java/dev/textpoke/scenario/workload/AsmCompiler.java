package dev.textpoke.scenario.workload;

import dev.textpoke.arm64.A64Class;
import dev.textpoke.arm64.A64Words;
import dev.textpoke.code.SiteKind;
import dev.textpoke.code.Symbol;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Isa;
import dev.textpoke.sim.asm.A64Assembler;
import dev.textpoke.sim.asm.AssembledCode;
import dev.textpoke.sim.asm.Assembler;
import dev.textpoke.sim.asm.Label;
import dev.textpoke.sim.asm.LabelledCode;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.CpuStart;
import dev.textpoke.sim.exec.Vectors;
import dev.textpoke.sim.program.Program;
import dev.textpoke.sim.program.YasmException;
import dev.textpoke.sim.program.YasmProgram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds an {@link AsmWorkload} for one instruction set: assembles its source (x86-64 with yasm,
 * A64 with binutils' {@code aarch64-linux-gnu-as} and {@code -ld}) at the kernel's text address,
 * checks that every site is an instruction its kind patches (a jump label's nop, an ftrace site's
 * nop, a static call's call to one of its targets), and adds the runtime after it. Assembler errors
 * and bad sites are {@link WorkloadException}s with the scenario file line.
 */
public final class AsmCompiler {
    /** The runtime starts at the next multiple of this after the program's text (one segment: perf maps one). */
    static final int RUNTIME_ALIGN = 64;
    private static final Pattern GAS_ERROR = Pattern.compile("^[^:]*:(\\d+): (?:Error|Fatal error): (.*)$");
    private static final Pattern NM = Pattern.compile("^([0-9a-f]{16}) (\\S) (\\S+)$");

    private AsmCompiler() {}

    /** What the assembler made of a source: the bytes at {@code origin} and every label. */
    private record Assembled(long origin, Bytes bytes, Map<String, Long> labels) {}

    public static BuiltProgram compile(AsmWorkload w, Isa isa, Path workDir) throws IOException {
        AsmWorkload.Source src = w.sources().get(isa);
        if (src == null) {
            throw new IllegalArgumentException("no " + isa + " source");
        }
        long origin = isa == Isa.X86_64 ? X86Compiler.KERNEL_BASE : A64Compiler.KERNEL_BASE;
        Assembled a = isa == Isa.X86_64 ? yasm(src, origin, workDir) : gas(src, origin, workDir);
        Map<String, Long> labels = a.labels();
        Program.Builder pb = Program.builder().isa(isa);
        // Labels without a dot are functions, each up to the next.
        List<Map.Entry<String, Long>> globals = new ArrayList<>();
        for (Map.Entry<String, Long> e : labels.entrySet()) {
            if (!e.getKey().contains(".")) {
                globals.add(e);
            }
        }
        globals.sort(Map.Entry.comparingByValue(Long::compareUnsigned));
        long end = origin + a.bytes().length();
        for (int i = 0; i < globals.size(); i++) {
            long at = globals.get(i).getValue();
            long next = i + 1 < globals.size() ? globals.get(i + 1).getValue() : end;
            pb.symbol(new Symbol(globals.get(i).getKey(), at, Math.max(0, next - at)));
        }
        // The runtime.
        long rt = origin + (a.bytes().length() + RUNTIME_ALIGN - 1) / RUNTIME_ALIGN * RUNTIME_ALIGN;
        Map<String, Long> irqHandlers = new LinkedHashMap<>();
        Map<String, Integer> irqVectors = new LinkedHashMap<>();
        // The exception entries and the interrupt handlers, alike on both sets but for their
        // instructions: an exception return, and a call of the workload's handler.
        boolean x86 = isa == Isa.X86_64;
        Assembler x = x86 ? new Assembler(rt) : null;
        A64Assembler y = x86 ? null : new A64Assembler(rt);
        LabelledCode r = x86 ? x : y;
        Runnable exceptionReturn = x86 ? x::iretq : y::eret;
        java.util.function.LongConsumer call = x86 ? x::call : y::bl;
        Label lBrk = r.function(x86 ? "asm_exc_int3" : "el1_brk");
        exceptionReturn.run();
        Label lFault = r.function(x86 ? "asm_exc_page_fault" : "el1_abort");
        exceptionReturn.run();
        Label lIpi = r.function(x86 ? "asm_sysvec_call_function" : "ipi_handler");
        exceptionReturn.run();
        Map<String, Label> irq = new LinkedHashMap<>();
        for (Workload.Irq q : w.interrupts()) {
            String h = q.handler() == null ? "" : q.handler();
            if (!irq.containsKey(h)) {
                Label l = r.function("irq_handler_" + irq.size());
                if (q.handler() != null) {
                    call.accept(label(labels, q.handler(), q.line()));
                }
                exceptionReturn.run();
                irq.put(h, l);
            }
        }
        Label lStop = null;
        Label br = null;
        if (!x86) {
            lStop = y.function("multi_cpu_stop");
            Label spin = y.mark();
            y.add(1, 1, 1);
            br = y.mark();
            y.bcond(A64Assembler.Cond.NE, spin);
            y.isb();
            y.eret();
        }
        AssembledCode runtime = x86 ? x.assemble() : y.assemble();
        long brk = runtime.address(lBrk);
        long fault = runtime.address(lFault);
        long ipi = runtime.address(lIpi);
        long stopper = lStop == null ? 0 : runtime.address(lStop);
        long stopSpin = br == null ? 0 : runtime.address(br);
        irq.forEach((k, l) -> irqHandlers.put(k, runtime.address(l)));
        // One segment, as a kernel's text is: the program, padding, the runtime. perf's kernel map is
        // the one PT_LOAD that holds _stext (dso__load_kcore).
        byte[] all = new byte[(int) (rt - origin) + runtime.length()];
        java.util.Arrays.fill(all, isa == Isa.X86_64 ? (byte) 0xcc : 0);
        a.bytes().copyTo(all, 0);
        System.arraycopy(runtime.bytes(), 0, all, (int) (rt - origin), runtime.length());
        pb.segment(origin, Bytes.wrapOwned(all));
        runtime.symbols().forEach(pb::symbol);
        Map<Integer, Long> vectors = new HashMap<>();
        vectors.put(WorkloadCompiler.IPI_VECTOR, ipi);
        int v = WorkloadCompiler.FIRST_IRQ_VECTOR;
        for (Map.Entry<String, Long> e : irqHandlers.entrySet()) {
            vectors.put(v, e.getValue());
            irqVectors.put(e.getKey(), v++);
        }
        if (stopper != 0) {
            vectors.put(WorkloadCompiler.STOP_VECTOR, stopper);
        }
        pb.vectors(new Vectors(0, brk, fault, vectors));
        for (String c : w.cpus()) {
            pb.start(CpuStart.kernel(label(labels, c, 0)));
        }
        Behaviour.Builder bb = Behaviour.builder();
        for (AsmWorkload.BranchDecl b : w.branches()) {
            bb.branch(label(labels, b.label(), b.line()), b.script());
        }
        pb.behaviour(bb.build());
        List<PatchSite> sites = new ArrayList<>();
        for (AsmWorkload.SiteDecl d : w.sites()) {
            sites.add(isa == Isa.X86_64 ? x86Site(d, labels, a) : a64Site(d, labels, a));
        }
        return new BuiltProgram(isa, pb.build(), sites, WorkloadCompiler.IPI_VECTOR,
                stopper == 0 ? -1 : WorkloadCompiler.STOP_VECTOR, stopSpin, irqVectors,
                String.join("\n", src.lines()) + "\n");
    }

    private static long label(Map<String, Long> labels, String name, int line) {
        Long a = labels.get(name);
        if (a == null) {
            throw new WorkloadException(line, "no label " + name + " in the assembly");
        }
        return a;
    }

    private static String function(Map<String, Long> labels, long at) {
        String best = "?";
        long bestAt = Long.MIN_VALUE;
        for (Map.Entry<String, Long> e : labels.entrySet()) {
            if (!e.getKey().contains(".") && Long.compareUnsigned(e.getValue(), at) <= 0
                    && (bestAt == Long.MIN_VALUE || Long.compareUnsigned(e.getValue(), bestAt) > 0)) {
                best = e.getKey();
                bestAt = e.getValue();
            }
        }
        return best + "+0x" + Long.toHexString(at - (bestAt == Long.MIN_VALUE ? at : bestAt));
    }

    private static Bytes at(Assembled a, long address, int n) {
        long off = address - a.origin();
        if (off < 0 || off + n > a.bytes().length()) {
            return null;
        }
        return a.bytes().slice((int) off, (int) off + n);
    }

    private static PatchSite x86Site(AsmWorkload.SiteDecl d, Map<String, Long> labels, Assembled a) {
        long at = label(labels, d.label(), d.line());
        String name = function(labels, at);
        Map<String, Bytes> states = new LinkedHashMap<>();
        switch (d.kind()) {
            case "jump_label", "ftrace" -> {
                Bytes nop2 = Bytes.ofHex("6690");
                Bytes nop5 = Bytes.ofHex("0f1f440000");
                Bytes two = at(a, at, 2);
                Bytes five = at(a, at, 5);
                long target = label(labels, d.target(), d.line());
                boolean call = d.kind().equals("ftrace");
                if (five != null && five.equals(nop5)) {
                    states.put("false", nop5);
                    states.put("true", rel32(call ? 0xe8 : 0xe9, at, target));
                } else if (!call && two != null && two.equals(nop2)) {
                    long disp = target - (at + 2);
                    if (disp < -128 || disp > 127) {
                        throw new WorkloadException(d.line(), "the 2-byte jump label at " + d.label() + " cannot reach "
                                + d.target() + " with a jmp rel8");
                    }
                    states.put("false", nop2);
                    states.put("true", Bytes.of((byte) 0xeb, (byte) disp));
                } else {
                    throw notPatchable(d, two == null ? "nothing" : (five != null ? five : two).spacedHex(),
                            call ? "nop5 (0f 1f 44 00 00)" : "nop2 (66 90) or nop5 (0f 1f 44 00 00)");
                }
                return new PatchSite(name, d.key(), call ? SiteKind.FTRACE
                        : states.get("false").length() == 2 ? SiteKind.JUMP_LABEL_2 : SiteKind.JUMP_LABEL_5, at,
                        name.substring(0, name.indexOf('+')), "false", states, d.line());
            }
            default -> {
                Bytes five = at(a, at, 5);
                if (five == null || five.get(0) != 0xe8) {
                    throw notPatchable(d, five == null ? "nothing" : five.spacedHex(), "a call rel32 (e8)");
                }
                long current = at + 5 + (int) (five.get(1) | five.get(2) << 8 | five.get(3) << 16 | five.get(4) << 24);
                String initial = null;
                for (String t : d.targets()) {
                    long ta = label(labels, t, d.line());
                    states.put(t, rel32(0xe8, at, ta));
                    if (ta == current) {
                        initial = t;
                    }
                }
                if (initial == null || !initial.equals(d.targets().get(0))) {
                    throw notPatchable(d, five.spacedHex(), "a call to " + d.targets().get(0)
                            + " (the target the image holds is listed first)");
                }
                return new PatchSite(name, d.key(), SiteKind.STATIC_CALL, at, name.substring(0, name.indexOf('+')),
                        initial, states, d.line());
            }
        }
    }

    private static PatchSite a64Site(AsmWorkload.SiteDecl d, Map<String, Long> labels, Assembled a) {
        long at = label(labels, d.label(), d.line());
        String name = function(labels, at);
        Bytes w = at(a, at, 4);
        int word = w == null ? 0 : w.get(0) | w.get(1) << 8 | w.get(2) << 16 | w.get(3) << 24;
        Map<String, Bytes> states = new LinkedHashMap<>();
        String initial;
        SiteKind kind;
        switch (d.kind()) {
            case "jump_label", "ftrace" -> {
                if (w == null || A64Class.of(word) != A64Class.NOP) {
                    throw notPatchable(d, w == null ? "nothing" : String.format("%08x", word), "NOP (d503201f)");
                }
                long target = label(labels, d.target(), d.line());
                boolean call = d.kind().equals("ftrace");
                states.put("false", w);
                states.put("true", word(A64Words.branch(at, target, call).orElseThrow(
                        () -> new WorkloadException(d.line(), d.target() + " is out of a branch's reach"))));
                initial = "false";
                kind = call ? SiteKind.FTRACE : SiteKind.JUMP_LABEL_4;
            }
            default -> {
                if (w == null || A64Class.of(word) != A64Class.BL) {
                    throw notPatchable(d, w == null ? "nothing" : String.format("%08x", word), "BL");
                }
                initial = null;
                for (String t : d.targets()) {
                    long ta = label(labels, t, d.line());
                    states.put(t, word(A64Words.branch(at, ta, true).orElseThrow()));
                    if (A64Words.target(word, at) == ta) {
                        initial = t;
                    }
                }
                if (initial == null || !initial.equals(d.targets().get(0))) {
                    throw notPatchable(d, String.format("%08x", word), "a BL to " + d.targets().get(0)
                            + " (the target the image holds is listed first)");
                }
                kind = SiteKind.STATIC_CALL;
            }
        }
        return new PatchSite(name, d.key(), kind, at, name.substring(0, name.indexOf('+')), initial, states, d.line());
    }

    private static WorkloadException notPatchable(AsmWorkload.SiteDecl d, String found, String wanted) {
        return new WorkloadException(d.line(), "site " + d.label() + " is not a patchable instruction for a " + d.kind()
                + ": it holds " + found + ", not " + wanted);
    }

    private static Bytes rel32(int op, long at, long target) {
        long d = target - (at + 5);
        return Bytes.of((byte) op, (byte) d, (byte) (d >> 8), (byte) (d >> 16), (byte) (d >> 24));
    }

    private static Bytes word(int w) {
        return Bytes.of((byte) w, (byte) (w >>> 8), (byte) (w >>> 16), (byte) (w >>> 24));
    }

    // ---- the assemblers -------------------------------------------------------------------------

    private static Assembled yasm(AsmWorkload.Source src, long origin, Path workDir) throws IOException {
        String text = "[bits 64]\n[org 0x" + Long.toHexString(origin) + "]\n" + String.join("\n", src.lines()) + "\n";
        try {
            YasmProgram p = YasmProgram.assemble(text, workDir);
            return new Assembled(p.origin(), p.bytes(), p.labels());
        } catch (YasmException e) {
            // Two lines of ours come first.
            int line = e.line() - 2;
            int fileLine = line >= 1 && line <= src.fileLines().size() ? src.fileLines().get(line - 1) : 0;
            throw new WorkloadException(fileLine, "yasm: " + e.problem());
        }
    }

    private static Assembled gas(AsmWorkload.Source src, long origin, Path workDir) throws IOException {
        Path dir = Files.createTempDirectory(workDir, "gas");
        try {
            Files.writeString(dir.resolve("p.s"), ".text\n" + String.join("\n", src.lines()) + "\n", StandardCharsets.UTF_8);
            String out = tool(dir, "aarch64-linux-gnu-as", "-o", "p.o", "p.s");
            if (out != null) {
                for (String l : out.split("\n")) {
                    Matcher m = GAS_ERROR.matcher(l.trim());
                    if (m.matches()) {
                        int line = Integer.parseInt(m.group(1)) - 1;
                        int fileLine = line >= 1 && line <= src.fileLines().size() ? src.fileLines().get(line - 1) : 0;
                        throw new WorkloadException(fileLine, "as: " + m.group(2));
                    }
                }
                throw new WorkloadException(0, "as: " + out.strip());
            }
            String ld = tool(dir, "aarch64-linux-gnu-ld", "-Ttext=0x" + Long.toHexString(origin), "-e", "0x"
                    + Long.toHexString(origin), "--build-id=none", "-o", "p.elf", "p.o");
            if (ld != null) {
                throw new WorkloadException(0, "ld: " + ld.strip());
            }
            String cp = tool(dir, "aarch64-linux-gnu-objcopy", "-O", "binary", "--only-section=.text", "p.elf", "p.bin");
            if (cp != null) {
                throw new IOException("objcopy: " + cp.strip());
            }
            Map<String, Long> labels = new LinkedHashMap<>();
            String nm = run(dir, List.of("aarch64-linux-gnu-nm", "-n", "p.elf"), true);
            for (String l : nm.split("\n")) {
                Matcher m = NM.matcher(l.trim());
                if (m.matches() && "tTdD".indexOf(m.group(2).charAt(0)) >= 0 && !m.group(3).startsWith("$")) {
                    labels.put(m.group(3), Long.parseUnsignedLong(m.group(1), 16));
                }
            }
            return new Assembled(origin, Bytes.wrapOwned(Files.readAllBytes(dir.resolve("p.bin"))), labels);
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Runs a tool; null when it succeeded, else what it printed. */
    private static String tool(Path dir, String... cmd) throws IOException {
        String out = run(dir, List.of(cmd), false);
        return out.startsWith("\u0000ok") ? null : out;
    }

    private static String run(Path dir, List<String> cmd, boolean stdout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(!stdout);
        pb.environment().put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd.get(0) + " (install the Debian package binutils-aarch64-linux-gnu): "
                    + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd.get(0) + " did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (stdout) {
            return out;
        }
        return p.exitValue() == 0 ? "\u0000ok" : out.isBlank() ? cmd.get(0) + " exited " + p.exitValue() : out;
    }
}
