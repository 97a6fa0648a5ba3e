package dev.textpoke.branches;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.record.CString;
import dev.textpoke.perf.record.PerfRecord;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.record.RecordType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which binary an address is in, and where it is relative to that binary's ELF, from the maps a
 * perf.data announces, by the definitions of {@link Binary}: the kernel relative to {@code _text}
 * (perf's kernel MMAP carries its address as pgoff), a module to its load address, a file to its
 * load bias (its lowest-offset mapping less that offset), per process, through fork and exec.
 */
class BinariesTest {
    static final long TEXT = 0xffffffff81000000L;

    static PerfRecord.Mmap mmap(int pid, long addr, long len, long pgoff, String file, boolean data) {
        int misc = (pid == -1 ? 1 : 2) | (data ? PerfRecord.Misc.MMAP_DATA : 0);
        return new PerfRecord.Mmap(RecordHeader.of(RecordType.MMAP, misc), pid, pid, addr, len, pgoff, CString.of(file, 8),
                Bytes.EMPTY, null);
    }

    static PerfRecord.Mmap2 mmap2(int pid, long addr, long len, long pgoff, long prot, String file) {
        return new PerfRecord.Mmap2(RecordHeader.of(RecordType.MMAP2, 2), pid, pid, addr, len, pgoff, 0, 0, 0, 0, 0, 0, 0,
                Bytes.of(new byte[24]), prot, 2, CString.of(file, 8), Bytes.EMPTY, null);
    }

    @Test
    void kernelModulesAndFilesAreFoundAndPlaced() {
        Binaries b = new Binaries(Map.of("[kernel.kallsyms]", "aa", "/lib/libc.so.6", "bb"));
        b.record(mmap(-1, TEXT - 0x1000, 0x2000000, TEXT, "[kernel.kallsyms]_text", false));
        b.record(mmap(-1, 0xffffffffc0010000L, 0x3000, 0, "/lib/modules/6.1/kernel/fs/xfs.ko", false));
        // libc as ld.so maps it: read-only headers at offset 0, text at 0x26000, data.
        b.record(mmap2(42, 0x7f0000000000L, 0x26000, 0, 1, "/lib/libc.so.6"));
        b.record(mmap2(42, 0x7f0000026000L, 0x155000, 0x26000, 5, "/lib/libc.so.6"));
        b.record(mmap2(42, 0x7f000017b000L, 0x54000, 0x17b000, 3, "/lib/libc.so.6"));
        Binary k = b.of(TEXT + 0x1234, 42);
        assertEquals(Binary.Kind.KERNEL, k.kind());
        assertEquals(0x1234, k.relative(TEXT + 0x1234));
        assertEquals("aa", k.buildId());
        Binary m = b.of(0xffffffffc0010010L, 1);
        assertEquals(Binary.Kind.MODULE, m.kind());
        assertEquals(0x10, m.relative(0xffffffffc0010010L));
        Binary libc = b.of(0x7f0000026100L, 42);
        assertEquals("/lib/libc.so.6", libc.path());
        assertEquals(0x26100, libc.relative(0x7f0000026100L));
        assertEquals("bb", libc.buildId());
        assertNull(b.of(0x7f0000000100L, 42), "headers are not executable");
        assertNull(b.of(0x7f000017b100L, 42), "data is not executable");
        assertNull(b.of(0x7f0000026100L, 43), "another process");
        // A fork inherits the maps; an exec drops them.
        b.record(new PerfRecord.Fork(RecordHeader.of(RecordType.FORK, 0), 43, 42, 43, 42, 0, Bytes.EMPTY, null));
        assertSame(libc, b.of(0x7f0000026100L, 43));
        b.record(new PerfRecord.Comm(RecordHeader.of(RecordType.COMM, PerfRecord.Misc.COMM_EXEC), 43, 43,
                CString.of("true", 8), Bytes.EMPTY, null));
        assertNull(b.of(0x7f0000026100L, 43));
    }

    @Test
    void aFileWhoseMappingsAllSayOffsetZeroIsPlacedByItsFirst() {
        // simpleperf's MMAP2 records give pgoff 0 for every mapping of a file.
        Binaries b = new Binaries(Map.of());
        b.record(mmap2(7, 0x5597dfefc000L, 0x1000, 0, 1, "/home/yabinc/lbr_test_loop"));
        b.record(mmap2(7, 0x5597dfefd000L, 0x1000, 0, 5, "/home/yabinc/lbr_test_loop"));
        assertEquals(0x1910, b.of(0x5597dfefd910L, 7).relative(0x5597dfefd910L));
    }

    @Test
    void aKernelWithoutMapsIsDeclared() {
        Binaries b = new Binaries(Map.of());
        b.kernel(TEXT, TEXT + 0x1000, TEXT);
        b.module("ext4", 0xffffffffc0000000L, 0x100);
        assertEquals(0x10, b.of(TEXT + 0x10, 0).relative(TEXT + 0x10));
        assertEquals("[ext4]", b.of(0xffffffffc0000010L, 0).path());
        assertNull(b.of(TEXT + 0x1000, 0));
        assertNull(b.of(0xffffffffc0000100L, 0));
    }
}
