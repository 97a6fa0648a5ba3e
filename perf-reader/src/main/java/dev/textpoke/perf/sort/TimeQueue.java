package dev.textpoke.perf.sort;

import java.util.Arrays;

/**
 * Queued records in order of (timestamp, arrival sequence), in parallel primitive arrays so that
 * queueing a record allocates nothing. Equal timestamps leave in arrival order, as perf's
 * {@code queue_event} inserts after the equal ones.
 *
 * <p>Records arrive in runs: perf record copies each CPU's buffer out in one piece, already in
 * time order, so a round is a few long sorted runs (one per CPU buffer copied), not a shuffle. A
 * record not older than the last one queued joins that one's run (a linked list through
 * {@link #next}); an older one starts a run. A min-heap holds each run's first record, so taking
 * the smallest costs a sift over the runs, not over every queued record; input without such runs
 * degrades to one run per record, the plain heap. The heap's keys live in its own arrays (not
 * behind the slot index), so sifting touches contiguous memory.
 */
final class TimeQueue {
    private long[] time = new long[1024];
    private long[] seq = new long[1024];
    private long[] loc = new long[1024];
    private long[] offset = new long[1024];
    private long[] decompressed = new long[1024];
    private int[] size = new int[1024];
    private int[] heap = new int[1024];
    private long[] heapTime = new long[1024];
    private long[] heapSeq = new long[1024];
    private int[] freeSlots = new int[1024];
    /** The slot after each slot in its run, or -1 at a run's end. */
    private int[] next = new int[1024];
    private int freeCount;
    private int slots;
    private int count;
    /** Runs, i.e. entries in the heap. */
    private int runs;
    /** The last slot of the run the next record may join, or -1 (none, or that run left the queue). */
    private int openTail = -1;

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    void add(long t, long s, long l, long off, long decomp, int sz) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (slots == time.length) {
                grow();
            }
            slot = slots++;
        }
        time[slot] = t;
        seq[slot] = s;
        loc[slot] = l;
        offset[slot] = off;
        decompressed[slot] = decomp;
        size[slot] = sz;
        next[slot] = -1;
        count++;
        if (openTail >= 0 && !less(t, s, time[openTail], seq[openTail])) {
            next[openTail] = slot;
            openTail = slot;
            return;
        }
        if (runs == heap.length) {
            heap = Arrays.copyOf(heap, runs * 2);
            heapTime = Arrays.copyOf(heapTime, runs * 2);
            heapSeq = Arrays.copyOf(heapSeq, runs * 2);
        }
        up(runs++, slot, t, s);
        openTail = slot;
    }

    private void grow() {
        int n = time.length * 2;
        time = Arrays.copyOf(time, n);
        seq = Arrays.copyOf(seq, n);
        loc = Arrays.copyOf(loc, n);
        offset = Arrays.copyOf(offset, n);
        decompressed = Arrays.copyOf(decompressed, n);
        size = Arrays.copyOf(size, n);
        freeSlots = Arrays.copyOf(freeSlots, n);
        next = Arrays.copyOf(next, n);
    }

    /** The slot with the smallest key; the queue must not be empty. */
    int peek() {
        return heap[0];
    }

    /** Removes the smallest and returns its slot, which stays readable until {@link #free}. */
    int poll() {
        int top = heap[0];
        --count;
        int following = next[top];
        if (following >= 0) {
            down(following, time[following], seq[following]); // the run's next record heads it now
        } else {
            if (top == openTail) {
                openTail = -1;
            }
            if (--runs > 0) {
                down(heap[runs], heapTime[runs], heapSeq[runs]);
            }
        }
        return top;
    }

    void free(int slot) {
        freeSlots[freeCount++] = slot;
    }

    long time(int slot) {
        return time[slot];
    }

    long seq(int slot) {
        return seq[slot];
    }

    long loc(int slot) {
        return loc[slot];
    }

    long offset(int slot) {
        return offset[slot];
    }

    long decompressed(int slot) {
        return decompressed[slot];
    }

    int recordSize(int slot) {
        return size[slot];
    }

    private static boolean less(long ta, long sa, long tb, long sb) {
        return ta != tb ? Long.compareUnsigned(ta, tb) < 0 : sa < sb;
    }

    private void up(int i, int slot, long t, long s) {
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!less(t, s, heapTime[p], heapSeq[p])) {
                break;
            }
            heap[i] = heap[p];
            heapTime[i] = heapTime[p];
            heapSeq[i] = heapSeq[p];
            i = p;
        }
        heap[i] = slot;
        heapTime[i] = t;
        heapSeq[i] = s;
    }

    /** Sifts the entry (slot, t, s) down from the root. */
    private void down(int slot, long t, long s) {
        int i = 0;
        int half = runs >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            if (c + 1 < runs && less(heapTime[c + 1], heapSeq[c + 1], heapTime[c], heapSeq[c])) {
                c++;
            }
            if (!less(heapTime[c], heapSeq[c], t, s)) {
                break;
            }
            heap[i] = heap[c];
            heapTime[i] = heapTime[c];
            heapSeq[i] = heapSeq[c];
            i = c;
        }
        heap[i] = slot;
        heapTime[i] = t;
        heapSeq[i] = s;
    }
}
