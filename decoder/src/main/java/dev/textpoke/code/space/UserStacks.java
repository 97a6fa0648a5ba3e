package dev.textpoke.code.space;

import dev.textpoke.code.unwind.CodeLookup;
import dev.textpoke.code.unwind.StackUnwinder;
import dev.textpoke.code.unwind.UnwindAbi;
import dev.textpoke.code.unwind.UnwindRow;
import java.nio.ByteBuffer;

/**
 * Unwinds sampled user stacks ({@code --call-graph dwarf}) through the processes' mappings at the
 * sample's time and the call frame information of the mapped files on this machine (found as
 * {@link ObjectFiles} finds them for symbols). Not thread-safe.
 */
public final class UserStacks {
    private final AddressSpaces spaces;
    private final ObjectFiles files;
    private final UnwindAbi abi;
    private final StackUnwinder unwinder;
    private final Lookup lookup = new Lookup();

    public UserStacks(AddressSpaces spaces, ObjectFiles files, UnwindAbi abi) {
        this.spaces = spaces;
        this.files = files;
        this.abi = abi;
        this.unwinder = new StackUnwinder(abi);
    }

    /**
     * The frames of a sample of process {@code pid} at {@code time}, innermost first, into {@code
     * out}; returns how many (0 when the sampled IP's file is not on this machine).
     *
     * @param registers the DWARF columns ({@link UnwindAbi#fromPerf})
     */
    public int frames(int pid, long time, long[] registers, ByteBuffer stack, int stackOffset, long stackSize,
            long[] out, int maxFrames) {
        lookup.pid = pid;
        lookup.time = time;
        lookup.visits = 0;
        return unwinder.unwind(registers, stack, stackOffset, stackSize, lookup, out, maxFrames);
    }

    /**
     * The addresses as the mapped files see them ({@link Mapping#objectAddress}) of the {@code n}
     * frames the last {@link #frames} call gave, what perf script prints for them; each frame's
     * mapping was found while unwinding.
     */
    public void objectAddresses(long[] frames, int n, long[] out) {
        for (int i = 0; i < n; i++) {
            long a = frames[i];
            Mapping m = i < lookup.visits ? lookup.visited[i] : null;
            if (m == null || !m.contains(a)) {
                m = spaces.find(lookup.pid, a, lookup.time);
            }
            out[i] = m == null ? a : m.objectAddress(a);
        }
    }

    public UnwindAbi abi() {
        return abi;
    }

    private final class Lookup implements CodeLookup {
        int pid;
        long time;
        /** The mapping of each frame's address, in the order the unwinder asked (one per frame). */
        final Mapping[] visited = new Mapping[256];
        int visits;
        private Mapping mapping;
        private ObjectFile object;
        /** The object of each mapping met: a stack alternates between a few, and files.of hashes build ids. */
        private final java.util.IdentityHashMap<Mapping, ObjectFile> objects = new java.util.IdentityHashMap<>();

        @Override
        public int whatIsAt(long address) {
            Mapping m = spaces.find(pid, address, time);
            if (visits < visited.length) {
                visited[visits++] = m;
            }
            if (m == null) {
                return NOT_MAPPED;
            }
            if (m != mapping) {
                mapping = m;
                object = objects.computeIfAbsent(m, files::of);
            }
            return object.file() == null ? NO_FILE : MAPPED;
        }

        /**
         * Rows by address and mapping, direct-mapped: the frames of a profile fall on a few
         * thousand addresses, and this spares the file offset, segment and map lookups.
         */
        private static final int CACHE = 1 << 12;
        private final long[] cachedAddress = new long[CACHE];
        private final Mapping[] cachedMapping = new Mapping[CACHE];
        private final UnwindRow[] cachedRow = new UnwindRow[CACHE];

        @Override
        public UnwindRow rowAt(long address) {
            if (mapping == null || !mapping.contains(address) || object.file() == null) {
                return null;
            }
            int slot = (int) (address ^ address >>> 12 ^ address >>> 24) & (CACHE - 1);
            if (cachedMapping[slot] == mapping && cachedAddress[slot] == address) {
                return cachedRow[slot];
            }
            UnwindRow row = object.callFrames(abi).rowAt(mapping.objectAddress(address));
            cachedAddress[slot] = address;
            cachedMapping[slot] = mapping;
            cachedRow[slot] = row;
            return row;
        }
    }
}
