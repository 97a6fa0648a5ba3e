package dev.textpoke.pt.etm;

import dev.textpoke.pt.PtDecodeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A waypoint trace as the flow decoder consumes it: its elements in order (each atom, address,
 * exception, synchronisation, overflow and decode error), with the time bounds of the instructions
 * each timed element reports.
 *
 * <p><b>Time.</b> The trace unit emits a timestamp only right before a timed element (an atom, an
 * exception, a synchronisation's address), with that element's time (the cycle-counter timestamp
 * request waits for the next element, as ETMv4's timestamp event does). The instructions walked to
 * consume an element ran after the element before it and no later than itself, so they lie
 * between the last timestamp at or before the previous timed element ({@link #lo}) and the first
 * timestamp after it ({@link #hi}).
 */
public final class EtmTrace {
    /** What an element is. */
    public enum Kind {
        /** A waypoint: E (value 1) or N (value 0). */
        ATOM,
        /** An exception: value is the preferred return address, {@link #exceptionType} its type. */
        EXCEPTION,
        /** An address: the target of the indirect branch before it, or of the exception before it. */
        ADDRESS,
        /** An A-Sync and its address: trace (re)starts at value. */
        SYNC,
        /** The trace unit lost elements. */
        OVERFLOW,
        /** Undecodable bytes (see {@link #errors()}); trace resumes at the next A-Sync. */
        ERROR
    }

    private final int size;
    private final Kind[] kinds;
    private final long[] values;
    private final EtmPacket.ExceptionType[] types;
    private final int[] offsets;
    private final long[] lo;
    private final long[] hi;
    private final List<PtDecodeException> errors;

    private EtmTrace(int size, Kind[] kinds, long[] values, EtmPacket.ExceptionType[] types, int[] offsets, long[] lo,
            long[] hi, List<PtDecodeException> errors) {
        this.size = size;
        this.kinds = kinds;
        this.values = values;
        this.types = types;
        this.offsets = offsets;
        this.lo = lo;
        this.hi = hi;
        this.errors = List.copyOf(errors);
    }

    /** Decodes {@code bytes} (named {@code source} in errors) into elements. */
    public static EtmTrace decode(String source, byte[] bytes) {
        Builder b = new Builder();
        EtmPacketDecoder d = new EtmPacketDecoder(source, bytes, 0, bytes.length);
        boolean syncing = false;
        List<Long> tsValues = new ArrayList<>();
        List<Integer> tsAfterElement = new ArrayList<>();
        while (true) {
            EtmPacket p;
            try {
                p = d.next();
            } catch (PtDecodeException e) {
                b.errors.add(e);
                b.add(Kind.ERROR, 0, null, e.offset() < 0 ? 0 : (int) e.offset());
                syncing = false;
                if (!d.syncForward()) {
                    break;
                }
                continue;
            }
            if (p == null) {
                break;
            }
            int off = d.offset();
            if (p instanceof EtmPacket.Async) {
                syncing = true;
            } else if (p instanceof EtmPacket.Timestamp t) {
                tsValues.add(t.value());
                tsAfterElement.add(b.size);
            } else if (p instanceof EtmPacket.Address a) {
                b.add(syncing ? Kind.SYNC : Kind.ADDRESS, a.address(), null, off);
                syncing = false;
            } else if (p instanceof EtmPacket.Exception e) {
                b.add(Kind.EXCEPTION, e.returnAddress(), e.type(), off);
            } else if (p instanceof EtmPacket.Atoms a) {
                for (int i = 0; i < a.count(); i++) {
                    b.add(Kind.ATOM, a.bits() >>> i & 1, null, off);
                }
            } else if (p instanceof EtmPacket.Overflow) {
                b.add(Kind.OVERFLOW, 0, null, off);
            }
        }
        return b.build(tsValues, tsAfterElement);
    }

    public int size() {
        return size;
    }

    public Kind kind(int k) {
        return kinds[k];
    }

    /** The atom's bit, the address, or the exception's return address. */
    public long value(int k) {
        return values[k];
    }

    public EtmPacket.ExceptionType exceptionType(int k) {
        return types[k];
    }

    /** The byte offset of the element's packet. */
    public int offset(int k) {
        return offsets[k];
    }

    /** Lower time bound of the instructions timed element {@code k} reports (Long.MIN_VALUE when none). */
    public long lo(int k) {
        return lo[k];
    }

    /** Upper time bound of the instructions timed element {@code k} reports (Long.MAX_VALUE when none). */
    public long hi(int k) {
        return hi[k];
    }

    public List<PtDecodeException> errors() {
        return errors;
    }

    static boolean timed(Kind k) {
        return k == Kind.ATOM || k == Kind.EXCEPTION || k == Kind.SYNC;
    }

    private static final class Builder {
        int size;
        Kind[] kinds = new Kind[256];
        long[] values = new long[256];
        EtmPacket.ExceptionType[] types = new EtmPacket.ExceptionType[256];
        int[] offsets = new int[256];
        final List<PtDecodeException> errors = new ArrayList<>();

        void add(Kind k, long v, EtmPacket.ExceptionType t, int off) {
            if (size == kinds.length) {
                int n = size * 2;
                kinds = Arrays.copyOf(kinds, n);
                values = Arrays.copyOf(values, n);
                types = Arrays.copyOf(types, n);
                offsets = Arrays.copyOf(offsets, n);
            }
            kinds[size] = k;
            values[size] = v;
            types[size] = t;
            offsets[size] = off;
            size++;
        }

        /**
         * @param tsAfter for each timestamp, how many elements came before it
         */
        EtmTrace build(List<Long> tsValues, List<Integer> tsAfter) {
            long[] lo = new long[size];
            long[] hi = new long[size];
            // latest timestamp before element i, and first timestamp after element i
            long[] before = new long[size];
            long[] after = new long[size];
            int t = 0;
            long last = Long.MIN_VALUE;
            for (int i = 0; i < size; i++) {
                while (t < tsAfter.size() && tsAfter.get(t) <= i) {
                    last = tsValues.get(t++);
                }
                before[i] = last;
            }
            t = tsAfter.size() - 1;
            long next = Long.MAX_VALUE;
            for (int i = size - 1; i >= 0; i--) {
                while (t >= 0 && tsAfter.get(t) > i) {
                    next = tsValues.get(t--);
                }
                after[i] = next;
            }
            int prev = -1;
            for (int i = 0; i < size; i++) {
                if (!timed(kinds[i])) {
                    lo[i] = prev < 0 ? Long.MIN_VALUE : before[prev];
                    hi[i] = prev < 0 ? (i == 0 ? after[0] : Long.MAX_VALUE) : after[prev];
                    continue;
                }
                lo[i] = prev < 0 ? Long.MIN_VALUE : before[prev];
                // the first timestamp after the previous timed element (for the first, before this one)
                hi[i] = prev < 0 ? firstAtOrAfter(tsValues, tsAfter, 0) : after[prev];
                prev = i;
            }
            return new EtmTrace(size, kinds, values, types, offsets, lo, hi, errors);
        }

        private static long firstAtOrAfter(List<Long> values, List<Integer> after, int elements) {
            for (int i = 0; i < values.size(); i++) {
                if (after.get(i) >= elements) {
                    return values.get(i);
                }
            }
            return Long.MAX_VALUE;
        }
    }
}
