package dev.textpoke.branches;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counts of an AutoFDO text profile, per binary, as {@code simpleperf inject --output autofdo}
 * makes them from branch stacks ({@code ConvertLBRDataToAutoFDO} in {@code cmd_inject.cpp}) and
 * AutoFDO's own perf reader ({@code PerfDataSampleReader}): each range of straight-line code between
 * two consecutive branches ({@code start-end}, end the address of the branch that ends it), each
 * branch ({@code from->to}), each sample's ip. A range or branch counts when both its ends lie in
 * one binary; a range that ends before it starts or spans more than 1 MiB is dropped (AutoFDO's
 * rule for bad branch stacks).
 *
 * <p>Ranges come from the walked stacks: a range whose known code explains it in no version is
 * dropped and counted in {@link #dropped()}. Ranges are paired as the hardware recorded them: the
 * older entry's target to the newer entry's source (simpleperf pairs the newer entry's target with
 * the older entry's source, which differs wherever consecutive entries differ).
 */
public final class AutoFdoProfile {
    /** AutoFDO's limit on a range ({@code PerfDataSampleReader}; simpleperf copies it). */
    public static final long MAX_RANGE = 1 << 20;

    /**
     * The counts of one binary, at addresses relative to it ({@link Binary#relative}): a library
     * that processes map at different addresses is one binary.
     */
    public static final class Counts {
        private final Binary binary;
        final PairCounts ranges = new PairCounts();
        final PairCounts addresses = new PairCounts();
        final PairCounts branches = new PairCounts();

        Counts(Binary binary) {
            this.binary = binary;
        }

        /** The binary; its {@code base} is the first load address seen for it. */
        public Binary binary() {
            return binary;
        }

        /** {@code {start, end, count}} rows by address, relative to the binary. */
        public long[][] ranges() {
            return ranges.sorted(0);
        }

        /** {@code {address, 0, count}} rows by address, relative to the binary. */
        public long[][] addresses() {
            return addresses.sorted(0);
        }

        /** {@code {from, to, count}} rows by address, relative to the binary. */
        public long[][] branches() {
            return branches.sorted(0);
        }

        /** The count of a range given by relative addresses. */
        public long rangeCount(long start, long end) {
            return ranges.get(start, end);
        }

        public long branchCount(long from, long to) {
            return branches.get(from, to);
        }

        public long addressCount(long address) {
            return addresses.get(address, 0);
        }
    }

    private final Binaries binaries;
    private record Key(Binary.Kind kind, String path, String buildId) {}

    private final Map<Key, Counts> counts = new LinkedHashMap<>();
    private long dropped;

    public AutoFdoProfile(Binaries binaries) {
        this.binaries = binaries;
    }

    private Counts of(Binary b) {
        return counts.computeIfAbsent(new Key(b.kind(), b.path(), b.buildId()), k -> new Counts(b));
    }

    /** Adds a walked stack's counts. */
    public void add(WalkedStack w) {
        BranchSample s = w.sample();
        int pid = s.pid();
        Binary ip = binaries.of(s.ip(), pid);
        if (ip != null) {
            of(ip).addresses.add(ip.relative(s.ip()), 0, 1);
        }
        for (Branch b : s.branches()) {
            if (b.from() == 0 || b.to() == 0) {
                continue; // an entry the hardware left empty
            }
            Binary from = binaries.of(b.from(), pid);
            if (from != null && from == binaries.of(b.to(), pid)) {
                of(from).branches.add(from.relative(b.from()), from.relative(b.to()), 1);
            }
        }
        for (WalkedRange r : w.ranges()) {
            if (r.kind() != RangeKind.BETWEEN) {
                continue;
            }
            long start = r.start();
            long end = r.end();
            if (Long.compareUnsigned(end, start) < 0 || Long.compareUnsigned(end - start, MAX_RANGE) > 0) {
                continue;
            }
            Binary b = binaries.of(start, pid);
            if (b == null || b != binaries.of(end, pid)) {
                continue;
            }
            if (r.result().inconsistent()) {
                dropped++;
                continue;
            }
            of(b).ranges.add(b.relative(start), b.relative(end), 1);
        }
    }

    /** The binaries with counts, by path. */
    public List<Counts> binaries() {
        List<Counts> out = new ArrayList<>(counts.values());
        out.sort(Comparator.comparing((Counts c) -> c.binary().path()).thenComparing(c -> c.binary().buildId()));
        return out;
    }

    /** Ranges left out because no version of their known code can have run them. */
    public long dropped() {
        return dropped;
    }
}
