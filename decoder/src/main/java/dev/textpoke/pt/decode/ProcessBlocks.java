package dev.textpoke.pt.decode;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageOverlapException;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.space.Mapping;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.pt.flow.Block;
import dev.textpoke.pt.flow.BlockCache;
import dev.textpoke.pt.flow.CodeBlocks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One decoding thread's code: kernel addresses from the kernel's {@link BlockCache}, user-space
 * addresses from the file mapped there in the process that ran on the unit's CPU (or in its
 * thread) at the time, a cache of blocks per mapping. An address no mapping with a readable file
 * covers reads as the kernel's view of it: no code, a gap the decoder reports. Not thread-safe.
 */
public final class ProcessBlocks implements UnitCode {
    private final BlockCache kernel;
    private final ProcessCode processes;
    private final InstructionClassifier classifier;
    private final Map<Mapping, BlockCache> mapped = new HashMap<>();
    /** The same as 32-bit code, when it is read (null otherwise). */
    private final BlockCache kernel32;
    private final InstructionClassifier classifier32;
    private final Map<Mapping, BlockCache> mapped32 = new HashMap<>();

    public ProcessBlocks(BlockCache kernel, ProcessCode processes, InstructionClassifier classifier) {
        this(kernel, processes, classifier, null, null);
    }

    /**
     * @param kernel32     the timeline's code decoded as 32-bit code (images given for 32-bit
     *                     programs), or null when 32-bit code is not read
     * @param classifier32 a 32-bit classifier for the mapped files' code (with {@code kernel32})
     */
    public ProcessBlocks(BlockCache kernel, ProcessCode processes, InstructionClassifier classifier,
            BlockCache kernel32, InstructionClassifier classifier32) {
        this.kernel = kernel;
        this.processes = processes;
        this.classifier = classifier;
        this.kernel32 = kernel32;
        this.classifier32 = classifier32;
    }

    @Override
    public CodeBlocks forUnit(DecodeUnit unit) {
        return new Unit(unit.cpu(), unit.tid(), false);
    }

    @Override
    public CodeBlocks compatForUnit(DecodeUnit unit) {
        return kernel32 == null ? null : new Unit(unit.cpu(), unit.tid(), true);
    }

    /** The code of one unit: its CPU or thread decides whose user space an address is in. */
    private final class Unit implements CodeBlocks {
        private final int cpu;
        private final int tid;
        private final boolean compat;

        Unit(int cpu, int tid, boolean compat) {
            this.cpu = cpu;
            this.tid = tid;
            this.compat = compat;
        }

        @Override
        public Block at(long ip, long time) {
            if (ProcessCode.isKernel(ip)) {
                return kernel.at(ip, time); // the kernel is 64-bit code whatever the mode says
            }
            BlockCache base = compat ? kernel32 : kernel;
            Mapping m = processes.mapping(processes.pidAt(cpu, tid, time), ip, time);
            BlockCache blocks = m == null ? null : blocks(m, compat);
            return blocks == null ? base.at(ip, time) : blocks.at(ip, time);
        }
    }

    /** The blocks of a mapping's code, or null when its file cannot be read. */
    private BlockCache blocks(Mapping m, boolean compat) {
        Map<Mapping, BlockCache> mapped = compat ? mapped32 : this.mapped;
        InstructionClassifier classifier = compat ? classifier32 : this.classifier;
        if (mapped.containsKey(m)) {
            return mapped.get(m);
        }
        BlockCache c = null;
        try {
            Optional<Bytes> bytes = processes.bytes(m);
            if (bytes.isPresent()) {
                CodeTimeline t = CodeTimeline.builder()
                        .image(new BaseImage(m.name(), List.of(new ImageSegment(m.start(), bytes.get())), List.of()))
                        .build();
                c = new BlockCache(t, new InstructionCache(t, classifier));
            }
        } catch (ImageOverlapException e) {
            throw new IllegalStateException(e); // one segment overlaps nothing
        } catch (IOException e) {
            throw new UncheckedIOException(m.name() + ": " + e.getMessage(), e);
        }
        mapped.put(m, c);
        return c;
    }
}
