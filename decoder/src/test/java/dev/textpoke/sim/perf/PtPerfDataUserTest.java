package dev.textpoke.sim.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.pt.packet.IpCompression;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.packet.PacketType;
import dev.textpoke.pt.perf.IntelPtData;
import dev.textpoke.pt.perf.PtEvent;
import dev.textpoke.pt.perf.SidebandEvent;
import dev.textpoke.pt.perf.TscConversion;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User code traced with {@code intel_pt//u}: perf 6.1 reads the instructions from the ELF an MMAP2
 * names, by its path, or, when the path is gone, from its build-id cache by the build id the MMAP2
 * carries ({@code ~/.debug/.build-id/xx/yyyy...}, {@code DSO_BINARY_TYPE__BUILD_ID_CACHE}). The
 * thread is the CPU's current one from ITRACE_START; its maps come from the MMAP2 of its pid.
 */
class PtPerfDataUserTest {
    @TempDir
    static Path tmp;
    static PerfTool perf;
    static TestKernel kernel;
    static Path elf;
    /** objdump's addresses and bytes of uloop's instructions, and the r-x PT_LOAD readelf lists. */
    static long uloop;
    static List<String> uloopBytes;
    static long loadAddr;
    static long loadOffset;
    static Bytes buildId;

    static final long TSC0 = 2_400_000_000_000L;
    static final TscConversion TSC = TscConversion.forFrequency(2_400_000_000L, 0);
    static final int PID = 1234;

    @BeforeAll
    static void setUp() throws Exception {
        perf = PerfTool.in(tmp);
        kernel = TestKernel.build(tmp);
        Path src = tmp.resolve("ptuser.S");
        try (InputStream in = PtPerfDataUserTest.class.getResourceAsStream("ptuser.S")) {
            Files.write(src, in.readAllBytes());
        }
        elf = tmp.resolve("ptuser");
        TestKernel.run("gcc", "-c", src.toString(), "-o", tmp.resolve("ptuser.o").toString());
        TestKernel.run("ld", "-e", "_start", "--build-id=sha1", "-o", elf.toString(), tmp.resolve("ptuser.o").toString());
        // readelf -lW: "  LOAD  0x001000 0x0000000000401000 0x0000000000401000 0x00000a 0x00000a R E 0x1000"
        for (String line : TestKernel.run("readelf", "-lW", elf.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[0].equals("LOAD") && line.contains(" R E ")) {
                loadOffset = Long.parseLong(f[1].substring(2), 16);
                loadAddr = Long.parseLong(f[2].substring(2), 16);
            }
        }
        // readelf -n: "    Build ID: 73768fdea585f5bb5b45217f5be73acac2576c66"
        for (String line : TestKernel.run("readelf", "-n", elf.toString()).split("\n")) {
            if (line.contains("Build ID:")) {
                buildId = Bytes.ofHex(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        uloopBytes = new java.util.ArrayList<>();
        for (String line : TestKernel.run("objdump", "-d", "-w", elf.toString()).split("\n")) {
            String[] f = line.split("\t");
            if (f.length >= 3 && f[0].trim().endsWith(":")) {
                long a = Long.parseLong(f[0].trim().replace(":", ""), 16);
                if (uloopBytes.isEmpty()) {
                    uloop = a;
                }
                uloopBytes.add(f[1].trim());
            }
        }
        assertEquals(4, uloopBytes.size());
    }

    /** uloop: mov; dec; jnz taken; dec; jnz not taken; ret, which leaves the traced region. */
    static Bytes trace() {
        return Bytes.wrapOwned(new PacketEncoder().psb().tsc(TSC0).psbend().modeExec(64, false).tipPge(uloop)
                .tnt(0b10, 2).ip(PacketType.TIP_PGD, IpCompression.SUPPRESSED, 0).toByteArray());
    }

    static PtRecording recording(String path, Bytes mmapBuildId) {
        SidebandEvent.Mmap m = SidebandEvent.Mmap.userCode(1, 0, PID, PID, loadAddr, 0x1000, loadOffset, path);
        if (!mmapBuildId.isEmpty()) {
            m = new SidebandEvent.Mmap(m.time(), m.cpu(), m.pid(), m.tid(), m.addr(), m.len(), m.pgoff(), m.filename(),
                    true, m.cpumode(), false, m.prot(), m.flags(), 0, 0, 0, mmapBuildId, -1);
        }
        return PtRecording.builder(kernel.kcore()).cpus(1).traced(false, true)
                .stream(AuxStream.ofCpu(0, trace(), TSC.toPerfTime(TSC0 + 5_000)))
                .sideband(SidebandEvent.Comm.of(0, 0, PID, PID, "ptuser"))
                .sideband(m)
                .sideband(SidebandEvent.ItraceStart.of(TSC.toPerfTime(TSC0) - 100, 0, PID, PID))
                .build();
    }

    static void assertUloop(PerfInsns out) {
        List<Integer> path = List.of(0, 1, 2, 1, 2, 3);
        assertEquals(path.size(), out.insns().size(), out.toString());
        long[] addrs = new long[4];
        long a = uloop;
        for (int i = 0; i < 4; i++) {
            addrs[i] = a;
            a += uloopBytes.get(i).split(" ").length;
        }
        for (int i = 0; i < path.size(); i++) {
            PerfInsns.Insn in = out.insns().get(i);
            assertEquals(addrs[path.get(i)], in.ip());
            assertEquals(uloopBytes.get(path.get(i)), in.bytes());
            assertEquals("uloop+0x" + Long.toHexString(in.ip() - uloop), in.symOff());
        }
    }

    @Test
    void perfReadsUserCodeFromTheMappedFile() throws Exception {
        Path dir = tmp.resolve("user.data");
        PtRecording rec = recording(elf.toString(), Bytes.EMPTY);
        PtPerfDataWriter.writeDirectory(rec, dir);
        assertUloop(PerfInsns.run(perf, "-i", dir.toString()));
        try (PerfData data = PerfData.open(dir); IntelPtData pt = IntelPtData.read(data)) {
            PtEvent e = pt.events().get(0);
            assertEquals("intel_pt//u", e.name());
            assertTrue(e.tracesUser());
            assertTrue(!e.tracesKernel());
            SidebandEvent.Mmap m = pt.sideband().of(SidebandEvent.Mmap.class).get(0);
            assertEquals(elf.toString(), m.filename());
            assertEquals(loadAddr, m.addr());
            assertEquals(loadOffset, m.pgoff());
            assertEquals(PID, pt.sideband().threadAt(0, TSC.toPerfTime(TSC0)).orElseThrow().tid());
        }
    }

    @Test
    void perfFindsAMovedFileInItsBuildIdCache() throws Exception {
        // perf record --buildid-mmap style MMAP2 (misc MMAP_BUILD_ID) for a path that no longer
        // exists; the ELF is in the build-id cache of perf's HOME (PerfTool's, tmp/perf-home).
        Path gone = tmp.resolve("moved-away/ptuser");
        Path dir = tmp.resolve("buildid.data");
        PtPerfDataWriter.writeDirectory(recording(gone.toString(), buildId), dir);
        String hex = buildId.toString();
        Path cached = tmp.resolve("perf-home/.debug/.build-id").resolve(hex.substring(0, 2)).resolve(hex.substring(2));
        Files.createDirectories(cached.getParent());
        Files.copy(elf, cached);
        try {
            assertUloop(PerfInsns.run(perf, "-i", dir.toString()));
        } finally {
            Files.delete(cached);
        }
        try (PerfData data = PerfData.open(dir); IntelPtData pt = IntelPtData.read(data)) {
            assertEquals(buildId, pt.sideband().of(SidebandEvent.Mmap.class).get(0).buildId());
        }
    }
}
