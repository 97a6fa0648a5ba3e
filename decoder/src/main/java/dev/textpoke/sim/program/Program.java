package dev.textpoke.sim.program;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Symbol;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.Isa;
import dev.textpoke.sim.asm.AssembledCode;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.CpuStart;
import dev.textpoke.sim.exec.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A program for the simulated machine: code at addresses (kernel text at 0xffffffff81000000 and
 * up, optionally user code below 2^47), function symbols, where the machine goes on its own
 * ({@link Vectors}: syscall entry, INT3 handler, interrupt handlers), where each CPU starts, the
 * {@link Behaviour} its branches follow by default, and the {@link Site}s that may be patched.
 * Immutable.
 */
public final class Program {
    private final List<ImageSegment> segments;
    private final List<Symbol> symbols;
    private final Vectors vectors;
    private final List<CpuStart> starts;
    private final Behaviour behaviour;
    private final List<Site> sites;
    private final Isa isa;

    private Program(Builder b) {
        isa = b.isa;
        segments = List.copyOf(b.segments);
        symbols = List.copyOf(b.symbols);
        vectors = b.vectors;
        starts = List.copyOf(b.starts);
        behaviour = b.behaviour;
        sites = List.copyOf(b.sites);
        if (starts.isEmpty()) {
            throw new IllegalStateException("a program needs at least one start address");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The instruction set the code is in (x86-64 unless the builder said otherwise). */
    public Isa isa() {
        return isa;
    }

    /** The code, one segment per assembled piece. */
    public List<ImageSegment> segments() {
        return segments;
    }

    public List<Symbol> symbols() {
        return symbols;
    }

    /** The code and symbols as a base image for a {@link dev.textpoke.code.CodeTimeline}. */
    public BaseImage image(String name) {
        return new BaseImage(name, segments, symbols);
    }

    /** The segments below the user/kernel split (2^47 and up is kernel). */
    public List<ImageSegment> kernelSegments() {
        return segments.stream().filter(s -> isKernel(s.address())).toList();
    }

    public List<ImageSegment> userSegments() {
        return segments.stream().filter(s -> !isKernel(s.address())).toList();
    }

    /** Whether {@code address} is in the kernel half of the address space. */
    public static boolean isKernel(long address) {
        return address < 0;
    }

    public Vectors vectors() {
        return vectors;
    }

    /** Where CPUs start; CPU i starts at {@code starts().get(i % size)}. */
    public List<CpuStart> starts() {
        return starts;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public List<Site> sites() {
        return sites;
    }

    /** The address of the symbol {@code name}. */
    public long symbol(String name) {
        return findSymbol(name).orElseThrow(() -> new IllegalArgumentException("no symbol " + name)).address();
    }

    public Optional<Symbol> findSymbol(String name) {
        return symbols.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The site named {@code name}. */
    public Site site(String name) {
        return sites.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no site " + name));
    }

    /** The image's bytes at {@code [address, address + length)}. */
    public Bytes bytes(long address, int length) {
        for (ImageSegment s : segments) {
            long off = address - s.address();
            if (off >= 0 && off + length <= s.bytes().length()) {
                return s.bytes().slice((int) off, (int) off + length);
            }
        }
        throw new IllegalArgumentException("no segment holds 0x" + Long.toHexString(address) + "+" + length);
    }

    /** This program with another behaviour. */
    public Program withBehaviour(Behaviour b) {
        return toBuilder().behaviour(b).build();
    }

    /** A builder holding everything of this program. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.segments.addAll(segments);
        b.symbols.addAll(symbols);
        b.vectors = vectors;
        b.starts.addAll(starts);
        b.behaviour = behaviour;
        b.sites.addAll(sites);
        b.isa = isa;
        return b;
    }

    public static final class Builder {
        private final List<ImageSegment> segments = new ArrayList<>();
        private final List<Symbol> symbols = new ArrayList<>();
        private final List<CpuStart> starts = new ArrayList<>();
        private final List<Site> sites = new ArrayList<>();
        private Vectors vectors = Vectors.none();
        private Behaviour behaviour = Behaviour.coinTosses();
        private Isa isa = Isa.X86_64;

        /** The instruction set of the code (default x86-64). */
        public Builder isa(Isa i) {
            isa = Objects.requireNonNull(i);
            return this;
        }

        /** Adds assembled code: its bytes as a segment, its functions as symbols. */
        public Builder code(AssembledCode code) {
            segments.add(new ImageSegment(code.origin(), Bytes.wrapOwned(code.bytes())));
            symbols.addAll(code.symbols());
            return this;
        }

        public Builder segment(long address, Bytes bytes) {
            segments.add(new ImageSegment(address, bytes));
            return this;
        }

        public Builder symbol(Symbol s) {
            symbols.add(Objects.requireNonNull(s));
            return this;
        }

        public Builder vectors(Vectors v) {
            vectors = Objects.requireNonNull(v);
            return this;
        }

        /** Syscall entry, INT3 handler, exception handler and interrupt handlers by vector (0 for none). */
        public Builder vectors(long syscallEntry, long int3Handler, long exceptionHandler,
                Map<Integer, Long> interruptHandlers) {
            return vectors(new Vectors(syscallEntry, int3Handler, exceptionHandler, interruptHandlers));
        }

        public Builder start(CpuStart s) {
            starts.add(Objects.requireNonNull(s));
            return this;
        }

        public Builder behaviour(Behaviour b) {
            behaviour = Objects.requireNonNull(b);
            return this;
        }

        public Builder site(Site s) {
            sites.add(Objects.requireNonNull(s));
            return this;
        }

        public Program build() {
            return new Program(this);
        }
    }
}
