package dev.textpoke.cli.code;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A poke inside an instruction shows the whole instruction around it, before and after: compared
 * with objdump on the same bytes (the kcore text of traces/pokes with the poke applied).
 */
class PokeInstructionsTest {
    private static final Path KCORE_DIR = Path.of(System.getProperty("textpoke.root"), "traces", "pokes",
            "pokes.data", "kcore_dir");

    @TempDir
    Path tmp;

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** objdump's text of the instruction at {@code addr} of raw x86-64 {@code code} loaded at {@code base}. */
    private String objdumpAt(byte[] code, long base, long addr) throws Exception {
        Path bin = tmp.resolve("code.bin");
        Files.write(bin, code);
        for (String line : run("objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel",
                "--adjust-vma=0x" + Long.toHexString(base), bin.toString()).split("\n")) {
            if (line.trim().startsWith(Long.toHexString(addr) + ":")) {
                return line.substring(line.lastIndexOf('\t') + 1).replaceAll("\\s+", " ").replace(",", ", ").trim();
            }
        }
        throw new AssertionError("objdump has no instruction at " + Long.toHexString(addr));
    }

    @Test
    void aPokeInsideAnInstructionShowsTheWholeInstruction() throws Exception {
        Path text = tmp.resolve("text.bin");
        run("objcopy", "-O", "binary", "--only-section=.text", KCORE_DIR.resolve("kcore").toString(), text.toString());
        byte[] code = Files.readAllBytes(text);
        long base = 0xffffffff81000000L;
        long kprobed = KcoreDir.kallsyms(KCORE_DIR.resolve("kallsyms")).stream()
                .filter(s -> s.name().equals("kprobed")).findFirst().orElseThrow().address();
        int at = (int) (kprobed - base) + 1;
        // The second byte of kprobed's first instruction (89 f8: mov eax, edi) becomes c0.
        Bytes old = Bytes.copyOf(code, at, 1);
        Bytes neu = Bytes.of((byte) 0xc0);
        CodeTimeline t = CodeTimeline.builder()
                .image(new BaseImage("kcore", List.of(new ImageSegment(base, Bytes.of(code))),
                        KcoreDir.kallsyms(KCORE_DIR.resolve("kallsyms"))))
                .textPoke(kprobed + 1, old, neu, 100, 0).build();
        byte[] after = code.clone();
        after[at] = (byte) 0xc0;
        try (InstructionClassifier c = InstructionClassifier.open(Isa.X86_64)) {
            PokeInstructions p = PokeInstructions.of(t, c, t.modification(0));
            assertEquals(kprobed, p.start());
            assertEquals(objdumpAt(code, base, kprobed), p.before());
            assertEquals(objdumpAt(after, base, kprobed), p.after());
        }
    }
}
