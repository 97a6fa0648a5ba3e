package dev.textpoke.pt.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.PerfFormatException;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged Intel PT recordings (copies of quipper's file, cut or with a word changed): each problem
 * is named by kind and offset, and what was read before it is kept.
 */
class IntelPtDamageTest {
    /** perf -D: cpu 3's AUXTRACE record is at 0x7788, its 0x21a00 bytes after it. */
    private static final long CPU3_AUXTRACE = 0x7788;
    private static final long INFO = 0x308;

    private static Path copy(Path tmp) throws Exception {
        Path p = tmp.resolve("pt.data");
        Files.copy(QuipperIntelPt.file(QuipperIntelPt.NAME), p);
        return p;
    }

    @Test
    void aFileCutInsideTheTraceKeepsWhatCameBefore(@TempDir Path tmp) throws Exception {
        Path p = copy(tmp);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.truncate(CPU3_AUXTRACE + 0x30 + 0x1000);
        }
        try (PerfData data = PerfData.open(p); IntelPtData pt = IntelPtData.read(data)) {
            InputFormatException damage = pt.damage().orElseThrow();
            assertTrue(damage instanceof PerfFormatException, damage.toString());
            assertEquals(PerfFormatException.Kind.TRUNCATED, ((PerfFormatException) damage).kind());
            assertEquals(CPU3_AUXTRACE, damage.offset());
            assertEquals(12240, pt.queues().byCpu(0).orElseThrow().totalSize());
            // cpu 3's piece keeps the 0x1000 bytes the cut file still has.
            AuxBuffer cut = pt.queues().byCpu(3).orElseThrow().buffers().get(0);
            assertEquals(0x1000, cut.size());
            assertEquals(0x1000, pt.queues().read(cut).length());
            assertTrue(pt.sideband().of(SidebandEvent.Switch.class).size() > 0);
        }
    }

    @Test
    void noEventOfTheInfosPmuType(@TempDir Path tmp) throws Exception {
        Path p = copy(tmp);
        putLong(p, INFO + 16, 99);
        try (PerfData data = PerfData.open(p)) {
            PtPerfFormatException e = assertThrows(PtPerfFormatException.class, () -> IntelPtData.read(data));
            assertEquals(PtPerfFormatException.Kind.NO_PT_EVENT, e.kind());
            assertEquals(INFO + 16, e.offset());
        }
    }

    @Test
    void anImpossibleQueueIndexIsNamed(@TempDir Path tmp) throws Exception {
        Path p = copy(tmp);
        // struct perf_record_auxtrace: header 8, size 8, offset 8, reference 8, then u32 idx.
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, -1);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(b, CPU3_AUXTRACE + 32);
        }
        try (PerfData data = PerfData.open(p); IntelPtData pt = IntelPtData.read(data)) {
            InputFormatException damage = pt.damage().orElseThrow();
            assertTrue(damage instanceof PtPerfFormatException, damage.toString());
            assertEquals(PtPerfFormatException.Kind.BAD_AUXTRACE, ((PtPerfFormatException) damage).kind());
            assertEquals(CPU3_AUXTRACE + 32, damage.offset());
            assertEquals(1, pt.queues().queues().size());
        }
    }

    @Test
    void aRecordingWithoutIntelPtIsSaidToBeOne() throws Exception {
        Path p = TraceFiles.traces().resolve("recorded/cpu-clock.data");
        try (PerfData data = PerfData.open(p)) {
            PtPerfFormatException e = assertThrows(PtPerfFormatException.class, () -> IntelPtData.read(data));
            assertEquals(PtPerfFormatException.Kind.NOT_INTEL_PT, e.kind());
        }
    }

    private static void putLong(Path p, long at, long v) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(b, at);
        }
    }
}
