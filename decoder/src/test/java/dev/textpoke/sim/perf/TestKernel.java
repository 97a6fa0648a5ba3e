package dev.textpoke.sim.perf;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Symbol;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.io.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ptkernel.S} (test resources) assembled by gcc and linked at 0xffffffff81000000: the code,
 * its symbols as nm lists them, and each instruction as objdump disassembles it. The oracle for
 * what a test's packets imply: addresses from nm, bytes from objdump, none from textpoke.
 */
record TestKernel(KcoreDir kcore, Map<String, Long> symbols, Map<Long, String> insnBytes) {
    static final long BASE = 0xffffffff81000000L;
    /** The functions kallsyms lists (labels inside functions stay out, as the kernel's do). */
    private static final Set<String> FUNCTIONS = Set.of("_text", "_stext", "loop3", "leaf", "patched", "powered", "ptw_later");

    static TestKernel build(Path tmp) throws IOException, InterruptedException {
        Path src = tmp.resolve("ptkernel.S");
        try (InputStream in = TestKernel.class.getResourceAsStream("ptkernel.S")) {
            Files.write(src, in.readAllBytes());
        }
        Path obj = tmp.resolve("ptkernel.o");
        Path elf = tmp.resolve("ptkernel.elf");
        Path bin = tmp.resolve("ptkernel.bin");
        run("gcc", "-c", src.toString(), "-o", obj.toString());
        run("ld", "-Ttext=0x" + Long.toHexString(BASE), "-e", "loop3", "--build-id=none", "-o", elf.toString(),
                obj.toString());
        run("objcopy", "-O", "binary", "--only-section=.text", elf.toString(), bin.toString());
        Map<String, Long> symbols = new LinkedHashMap<>();
        List<Symbol> kallsyms = new ArrayList<>();
        for (String line : run("nm", "-n", elf.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                long addr = Long.parseUnsignedLong(f[0], 16);
                symbols.put(f[2], addr);
                if (FUNCTIONS.contains(f[2])) {
                    kallsyms.add(new Symbol(f[2], addr, 0));
                }
            }
        }
        // objdump -d: "ffffffff81000000:	b9 03 00 00 00       	mov    $0x3,%ecx"
        Map<Long, String> insns = new LinkedHashMap<>();
        for (String line : run("objdump", "-d", "-w", elf.toString()).split("\n")) {
            String[] f = line.split("\t");
            if (f.length >= 3 && f[0].trim().endsWith(":") && f[0].trim().length() == 17) {
                insns.put(Long.parseUnsignedLong(f[0].trim().substring(0, 16), 16), f[1].trim());
            }
        }
        BaseImage image = new BaseImage("ptkernel", List.of(new ImageSegment(BASE, Bytes.wrapOwned(Files.readAllBytes(bin)))),
                kallsyms);
        return new TestKernel(new KcoreDir(image, List.of()), symbols, insns);
    }

    long at(String symbol) {
        Long a = symbols.get(symbol);
        if (a == null) {
            throw new IllegalArgumentException("no symbol " + symbol);
        }
        return a;
    }

    /** The addresses of a function's instructions, in order (objdump's, up to the next function). */
    List<Long> insns(String function) {
        long start = at(function);
        long end = -1L; // the largest unsigned address
        for (String f : List.of("loop3", "leaf", "patched", "_etext")) {
            long a = at(f);
            if (Long.compareUnsigned(a, start) > 0 && Long.compareUnsigned(a, end) < 0) {
                end = a;
            }
        }
        List<Long> out = new ArrayList<>();
        for (long a : insnBytes.keySet()) {
            if (Long.compareUnsigned(a, start) >= 0 && Long.compareUnsigned(a, end) < 0) {
                out.add(a);
            }
        }
        return out;
    }

    /** The i-th instruction of a function. */
    long insn(String function, int i) {
        return insns(function).get(i);
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }
}
