package dev.textpoke.pt.decode;

import dev.textpoke.code.SymbolOffset;
import dev.textpoke.code.space.AddressSpaces;
import dev.textpoke.code.space.KernelSymbols;
import dev.textpoke.code.space.Location;
import dev.textpoke.code.space.Locator;
import dev.textpoke.code.space.Mapping;
import dev.textpoke.code.space.ObjectFile;
import dev.textpoke.code.space.ObjectFiles;
import dev.textpoke.io.Bytes;
import dev.textpoke.pt.perf.Sideband;
import dev.textpoke.pt.perf.SidebandEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The user-space code of the traced processes: their address spaces from the sideband (MMAP,
 * MMAP2, COMM, FORK, in perf's delivery order), the mapped files found where perf finds them
 * ({@link ObjectFiles}: perf's build-id cache, the recorded path, {@code --symfs}), and which
 * process ran on a CPU when ({@link Sideband#threadAt}, perf's rule). Shared by the decoding
 * threads: every method is synchronized (they are called once per code mapping a thread meets,
 * or per name, not per instruction).
 */
public final class ProcessCode implements AutoCloseable {
    /** A mapping larger than this is not read (its code is a gap): memory stays bounded. */
    static final long MAX_MAPPING_BYTES = 1L << 30;

    private final Sideband sideband;
    private final AddressSpaces spaces = new AddressSpaces();
    private final ObjectFiles files;
    private final Locator locator;
    private final Map<Mapping, Optional<Bytes>> code = new HashMap<>();

    /**
     * @param buildIds the BUILD_ID feature's entries (file name to build id), may be empty
     */
    public ProcessCode(Sideband sideband, ObjectFiles.Config files, Map<String, Bytes> buildIds) {
        this.sideband = sideband;
        this.files = new ObjectFiles(files);
        buildIds.forEach(spaces::buildId);
        for (SidebandEvent e : sideband.events()) {
            long time = Math.max(0, e.time());
            if (e instanceof SidebandEvent.Mmap m && !m.data()) {
                boolean kernel = m.pid() == -1;
                if (!kernel) {
                    long prot = m.mmap2() ? m.prot() : 0x4; // an MMAP of code is executable
                    spaces.mmap(m.pid(), m.addr(), m.len(), m.pgoff(), m.filename(),
                            m.buildId().isEmpty() ? null : m.buildId(), prot, m.flags(), time);
                }
            } else if (e instanceof SidebandEvent.Comm c) {
                spaces.comm(c.pid(), c.tid(), c.name(), c.exec(), time);
            } else if (e instanceof SidebandEvent.Fork f) {
                spaces.fork(f.pid(), f.ppid(), f.tid(), f.ptid(), time);
            }
        }
        this.locator = new Locator(spaces, this.files, KernelSymbols.NONE);
    }

    /** Whether an address is the kernel's (the upper half of the canonical address space). */
    public static boolean isKernel(long addr) {
        return addr < 0;
    }

    /**
     * The process whose code runs on {@code cpu} (per-CPU trace) or in thread {@code tid}
     * (per-thread trace, {@code cpu} -1) at {@code time}: -1 when no record says.
     */
    public synchronized int pidAt(int cpu, int tid, long time) {
        if (cpu < 0) {
            return tid < 0 ? -1 : spaces.pidOf(tid);
        }
        return sideband.threadOn(cpu, time).map(Sideband.RunningThread::pid).orElse(-1);
    }

    /** The executable mapping holding {@code addr} in process {@code pid} at {@code time}, or null. */
    public synchronized Mapping mapping(int pid, long addr, long time) {
        Mapping m = spaces.find(pid, addr, Math.max(0, time));
        return m == null || !m.executable() ? null : m;
    }

    /** A mapping's bytes from its file; empty when the file is not on this machine or too large. */
    public synchronized Optional<Bytes> bytes(Mapping m) throws IOException {
        Optional<Bytes> b = code.get(m);
        if (b == null) {
            b = read(m);
            code.put(m, b);
        }
        return b;
    }

    private Optional<Bytes> read(Mapping m) throws IOException {
        long length = m.end() - m.start();
        if (length <= 0 || length > MAX_MAPPING_BYTES) {
            return Optional.empty();
        }
        ObjectFile o = files.of(m);
        if (o.file() == null) {
            return Optional.empty();
        }
        // What the file holds from the mapping's offset, allocated no larger than that.
        long inFile = Files.size(o.file()) - m.pgoff();
        if (inFile <= 0) {
            return Optional.empty();
        }
        byte[] dst = new byte[(int) Math.min(length, inFile)];
        int n = o.read(m.pgoff(), dst, 0, dst.length);
        if (n <= 0) {
            return Optional.empty();
        }
        // A mapping may run past the end of its file (its last page): code is what the file holds.
        return Optional.of(n == dst.length ? Bytes.wrapOwned(dst) : Bytes.copyOf(dst, 0, n));
    }

    /** The symbol at a user-space address of process {@code pid} at {@code time}, as perf names it. */
    public synchronized Optional<SymbolOffset> symbol(int pid, long addr, long time) {
        Location l = locator.locate(pid, addr, Math.max(0, time), false);
        if (l == null || l.symbol() == null) {
            return Optional.empty();
        }
        return Optional.of(new SymbolOffset(l.symbol().name(), l.symbolOffset()));
    }

    @Override
    public synchronized void close() {
        files.close();
    }
}
