package dev.textpoke.sim.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.io.Bytes;
import dev.textpoke.pt.oracle.LibiptHarness;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.pt.perf.SidebandEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decode} on a 32-bit process (a 64-bit kernel's compatibility mode): a recording our writer
 * makes of user code assembled by yasm as 32-bit code and mapped by MMAP2, whose trace says 32-bit
 * (MODE.Exec with CS.D) before TIP.PGE. The instructions {@code decode --insns} prints are the ones
 * libipt 2.0.5 ({@code ptharness insn}) decodes from the same packets and bytes; read as 64-bit code
 * they would differ from the first {@code dec eax}, a REX prefix there.
 */
class DecodeCompatModeTest {
    @TempDir
    Path tmp;

    static final long BASE = 0x8048000L;

    @Test
    void a32BitProcessDecodesAsLibiptDecodesIt() throws Exception {
        Path src = tmp.resolve("compat.asm");
        Files.writeString(src, String.join("\n",
                "bits 32",
                "org 0x" + Long.toHexString(BASE),
                "start:  mov eax, 3",
                "again:  dec eax",
                "        jnz again",
                "        call func",
                "        push esi",
                "        pop esi",
                "        jmp stop",
                "func:   inc ecx",
                "        ret",
                "stop:   nop",
                "        ret",
                ""));
        Path bin = tmp.resolve("program").resolve("compat.bin");
        Files.createDirectories(bin.getParent());
        Process p = new ProcessBuilder("yasm", "-f", "bin", "-o", bin.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        byte[] code = Files.readAllBytes(bin);

        long t0 = PtPerfDataWriterTest.TSC0;
        // 32-bit user code: MODE.Exec CS.D before the TIP.PGE; jnz taken, taken, not taken; ret
        // compressed; the final ret leaves the traced region (TIP.PGD)
        PacketEncoder e = new PacketEncoder().psb().tsc(t0).psbend().modeExec(32, false).tipPge(BASE)
                .tnt(0b1101, 4);
        Bytes trace = PtPerfDataWriterTest.end(e);
        TestKernel kernel = TestKernel.build(tmp);
        long start = PtPerfDataWriterTest.ns(t0) - 1_000;
        PtRecording rec = PtRecording.builder(kernel.kcore()).cpus(2).traced(false, true)
                .config(PtConfig.PERF_DEFAULT)
                .stream(AuxStream.ofCpu(1, trace, PtPerfDataWriterTest.ns(t0) + 5_000))
                .sideband(SidebandEvent.Comm.of(start - 2_000, 1, 300, 300, "compat"))
                .sideband(SidebandEvent.Mmap.userCode(start - 1_000, 1, 300, 300, BASE, 0x1000, 0, "/program/compat.bin"))
                .sideband(new SidebandEvent.ItraceStart(start, 1, 300, 300, -1))
                .build();
        Path dir = tmp.resolve("compat.data");
        PtPerfDataWriter.writeDirectory(rec, dir);

        CliRun r = CliRun.of("decode", "--insns", "--json", "--symfs", tmp.toString(), dir.toString());
        assertEquals(0, r.status(), r.err());
        Pattern insn = Pattern.compile("\"type\":\"insn\",\"ip\":\"0x([0-9a-f]+)\".*?\"bytes\":\"([0-9a-f]+)\"");
        List<String> ours = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            Matcher m = insn.matcher(line);
            if (m.find()) {
                ours.add("0x" + m.group(1) + " " + m.group(2).length() / 2);
            }
        }
        assertTrue(r.out().lines().noneMatch(l -> l.contains("\"type\":\"issue\"")), r.out());

        Path raw = tmp.resolve("compat.pt");
        Files.write(raw, trace.toArray());
        List<String> libipt = new ArrayList<>();
        for (String l : LibiptHarness.build().insn(raw, List.of(), List.of(bin + "@0x" + Long.toHexString(BASE)))) {
            if (l.startsWith("insn ")) {
                String[] f = l.split(" ");
                assertEquals("32", f[4], l);
                libipt.add(f[1] + " " + f[2]);
            }
        }
        assertTrue(libipt.size() >= 14, libipt.toString());
        assertEquals(libipt, ours);
    }
}
