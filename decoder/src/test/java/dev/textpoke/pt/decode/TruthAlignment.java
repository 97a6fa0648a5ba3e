package dev.textpoke.pt.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.textpoke.isa.BranchClass;
import dev.textpoke.isa.Instruction;
import dev.textpoke.sim.truth.Executed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a decode with what ran. Every decoded instruction not marked ambiguous is one that
 * ran, in order (instructions compared by address and decoding); every stretch where the decode
 * and the truth differ is marked: its decoded instructions ambiguous, and another reading reported
 * at its end. Each such stretch is genuinely undecidable: what ran there, what the decoder chose
 * and the other reading it reports all give the trace the same outcomes (taken/not-taken bits and
 * indirect targets, up to the common instruction after), so the packets cannot tell them apart.
 */
final class TruthAlignment {
    private TruthAlignment() {}

    /**
     * Counts of what was checked: undecided stretches, and those whose undecidability was not
     * shown (lenient checks only).
     */
    record Checked(long stretches, long unverified) {}

    static Checked check(List<Executed> truth, SimDecode d, boolean retComp, String what) {
        return check(truth, d, retComp, what, true);
    }

    /**
     * {@link #check}, but where what ran over an undecided stretch does not give the outcomes
     * the model computes for the decode's reading, the stretch is counted as unverified instead of
     * failing: the model of the packets loses the thread over stretches of thousands of
     * instructions (its call stack is not the hardware's across PSBs; an interrupt right after a
     * compressed RET looks to it like an uncompressed one). The decode and what ran are then
     * aligned after the stretch where the next instructions and the number of outcomes agree
     * best; every instruction not marked ambiguous must still be what ran.
     */
    static Checked checkLenient(List<Executed> truth, SimDecode d, boolean retComp, String what) {
        return check(truth, d, retComp, what, false);
    }

    private static Checked check(List<Executed> truth, SimDecode d, boolean retComp, String what, boolean strict) {
        List<Instruction> ran = new ArrayList<>(truth.size());
        for (Executed e : truth) {
            ran.add(e.insn().instruction());
        }
        List<Instruction> decoded = d.insns;
        int n = decoded.size();
        Flow flowD = new Flow(decoded, retComp);
        Flow flowT = new Flow(ran, retComp);
        Map<Integer, Integer> episodeEnd = new HashMap<>();
        for (int[] u : d.undecided) {
            episodeEnd.merge(u[0], u[1], Math::max);
        }
        int t = 0;
        int j = 0;
        long episodes = 0;
        long unverified = 0;
        while (j < n) {
            Integer end = episodeEnd.get(j);
            if (end != null && end > j) {
                end = joined(episodeEnd, end, n);
                // Several readings fitted the packets here. What ran must be one of them: the same
                // outcomes in the trace over the stretch, and the same instructions after it.
                int after = Math.min(n, end + ANCHOR);
                List<String> decodedFlow = flowD.symbols(j, end);
                int found = -1;
                // A stretch that runs to the end of the decode meets what ran at its end (less what
                // ran after the last packet).
                int first = after == end && end == n ? Math.max(t, ran.size() - TAIL) : t;
                for (int u = first; u <= Math.min(ran.size(), first + MAX_GAP) && found < 0; u++) {
                    if (startsWith(ran, u, decoded.subList(end, after)) && sameOutcomes(flowT.symbols(t, u), decodedFlow)) {
                        found = u;
                    }
                }
                if (found < 0 && !strict) {
                    found = closestAnchor(ran, t, decoded.subList(end, after), flowT, decodedFlow.size(),
                            after == end && end == n);
                    if (found >= 0) {
                        unverified++;
                    }
                }
                if (found < 0) {
                    int anchorOnly = -1;
                    for (int u = t; u <= Math.min(ran.size(), t + MAX_GAP) && anchorOnly < 0; u++) {
                        if (startsWith(ran, u, decoded.subList(end, after))) {
                            anchorOnly = u;
                        }
                    }
                    fail(what + ": over the undecided stretch decoded " + j + ".." + end + " (truth from " + t
                            + ") what ran gives the trace other outcomes, or goes on otherwise; times " + d.times.get(j) + ".." + d.times.get(end - 1)
                            + " truth tsc " + truth.get(Math.min(t, truth.size() - 1)).tsc() + "; anchor at " + anchorOnly
                            + (anchorOnly < 0 ? "" : " decoded " + diff(decodedFlow, flowT.symbols(t, anchorOnly))));
                }
                // The instructions the decoder did not mark ambiguous there are common to all readings.
                int p = j;
                while (p < end && !d.ambiguous.get(p)) {
                    assertEquals(decoded.get(p), ran.get(t + (p - j)), what + ": decoded " + p + " before the undecided part");
                    p++;
                }
                episodes++;
                t = found;
                j = end;
                continue;
            }
            if (d.ambiguous.get(j)) {
                fail(what + ": decoded " + j + " is ambiguous outside an undecided stretch");
            }
            if (t >= ran.size() || !ran.get(t).equals(decoded.get(j))) {
                fail(what + ": decoded instruction " + j + " " + decoded.get(j) + " is not what ran there: "
                        + ran.subList(Math.min(t, ran.size()), Math.min(ran.size(), t + 3)));
            }
            t++;
            j++;
        }
        // What runs after the last packet leaves no trace (the hardware had not flushed it).
        assertTrue(ran.size() - t <= TAIL, what + ": the decode ends " + (ran.size() - t) + " instructions before what ran");
        return new Checked(episodes, unverified);
    }

    /**
     * Where what ran meets the decode again after a stretch: the start of {@code anchor} in what
     * ran, from {@code t}, with the number of outcomes since {@code t} nearest to {@code outcomes};
     * -1 if the anchor is nowhere. A stretch that runs to the end meets it at its end.
     */
    private static int closestAnchor(List<Instruction> ran, int t, List<Instruction> anchor, Flow flowT, int outcomes,
            boolean toTheEnd) {
        if (toTheEnd) {
            return ran.size();
        }
        int best = -1;
        int bestDistance = Integer.MAX_VALUE;
        for (int u = t; u <= Math.min(ran.size(), t + MAX_GAP); u++) {
            if (startsWith(ran, u, anchor)) {
                int distance = Math.abs(flowT.symbols(t, u).size() - outcomes);
                if (distance < bestDistance) {
                    best = u;
                    bestDistance = distance;
                }
            }
        }
        return best;
    }

    /**
     * Where a stretch ending at {@code end} ends once those that start within {@link #ANCHOR}
     * instructions after it are taken with it: the anchor after a stretch must be instructions
     * every reading shares.
     */
    private static int joined(Map<Integer, Integer> episodeEnd, int end, int n) {
        boolean joined = true;
        while (joined) {
            joined = false;
            for (int q = end; q < Math.min(n, end + ANCHOR); q++) {
                Integer next = episodeEnd.get(q);
                if (next != null && next > end) {
                    end = next;
                    joined = true;
                    break;
                }
            }
        }
        return end;
    }

    /** Instructions after an undecided stretch that must be what ran. */
    static final int ANCHOR = 32;
    /** Instructions that may run after the last packet of a trace. */
    static final int TAIL = 64;

    /** Where two outcome sequences first differ, for messages. */
    private static String diff(List<String> a, List<String> b) {
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
            i++;
        }
        return a.size() + " outcomes, ran " + b.size() + ", first difference at " + i + ": "
                + a.subList(Math.max(0, i - 3), Math.min(a.size(), i + 5)) + " vs " + b.subList(Math.max(0, i - 3), Math.min(b.size(), i + 5));
    }

    private static boolean startsWith(List<Instruction> ran, int at, List<Instruction> part) {
        if (at + part.size() > ran.size()) {
            return false;
        }
        for (int i = 0; i < part.size(); i++) {
            if (!ran.get(at + i).equals(part.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** How far what ran may go on past instructions the decoder marked ambiguous without another reading. */
    static final int MAX_GAP = 1 << 16;

    /**
     * The flow packets a path of instructions makes, modelled: a TNT bit per conditional branch
     * and per compressed return (a RET to the top of the call stack, when return compression is
     * on), a target for every other indirect transfer (indirect branches, uncompressed returns, far
     * transfers, and asynchronous transfers: a non-branch followed by anything but the next
     * instruction). One symbol or none per instruction; two for a conditional branch followed by an asynchronous
     * transfer, whose bit the path leaves open ({@code ?}).
     */
    static final class Flow {
        final List<Instruction> path;
        final boolean retComp;
        final String[] symbols;
        /** The call stack before each instruction, as a persistent list. */
        final Stack[] stacks;

        record Stack(long top, Stack rest) {}

        Flow(List<Instruction> path, boolean retComp) {
            this.path = path;
            this.retComp = retComp;
            symbols = new String[path.size()];
            stacks = new Stack[path.size() + 1];
            Stack st = null;
            Stack[] after = new Stack[1];
            for (int k = 0; k < path.size(); k++) {
                stacks[k] = st;
                long next = k + 1 < path.size() ? path.get(k + 1).address() : -1;
                symbols[k] = step(path.get(k), next, st, after);
                st = after[0];
            }
            stacks[path.size()] = st;
        }

        String step(Instruction x, long next, Stack st, Stack[] after) {
            String sym = null;
            switch (x.branchClass()) {
                case CONDITIONAL -> {
                    if (next == x.next() || next == -1) {
                        sym = "N";
                    } else if (next == x.target()) {
                        sym = "T";
                    } else {
                        // An asynchronous transfer right after the branch: its bit is in the trace,
                        // but the path does not say which (the FUP's address would)
                        sym = "?|@" + Long.toHexString(next);
                    }
                }
                case CALL -> {
                    st = new Stack(x.next(), st);
                    if (!x.hasTarget() || next != x.target()) {
                        sym = "@" + Long.toHexString(next);
                    }
                }
                case RETURN -> {
                    if (retComp && st != null && st.top() == next) {
                        sym = "T";
                        st = st.rest();
                    } else {
                        sym = "@" + Long.toHexString(next);
                    }
                }
                case INDIRECT, FAR_TRANSFER, TRAP -> sym = "@" + Long.toHexString(next);
                case UNCONDITIONAL_DIRECT -> {
                    if (next != x.target()) {
                        sym = "@" + Long.toHexString(next);
                    }
                }
                default -> {
                    if (next != -1 && next != x.next()) {
                        sym = "@" + Long.toHexString(next);
                    }
                }
            }
            after[0] = st;
            return sym;
        }

        List<String> symbols(int from, int to) {
            List<String> out = new ArrayList<>();
            for (int k = from; k < to; k++) {
                if (symbols[k] != null) {
                    out.addAll(List.of(symbols[k].split("\\|")));
                }
            }
            return out;
        }
    }

    /** Outcome sequences alike, a bit the path leaves open ({@code ?}) matching either bit. */
    static boolean sameOutcomes(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            String x = a.get(i);
            String y = b.get(i);
            boolean open = x.equals("?") && (y.equals("T") || y.equals("N"))
                    || y.equals("?") && (x.equals("T") || x.equals("N"));
            if (!open && !x.equals(y)) {
                return false;
            }
        }
        return true;
    }
}
