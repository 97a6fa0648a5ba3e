package dev.textpoke.cli.perf;

import java.util.HashMap;
import java.util.Map;

/**
 * The command name of each thread at the time of the record being delivered, kept as perf keeps
 * it (tools/perf/util/machine.c, thread.c): COMM sets it (exec or not), FORK gives the child its
 * parent's, the idle thread (tid 0) is {@code swapper}, and a thread never named is
 * {@code :<tid>} ({@code thread__new}).
 */
final class ThreadComms {
    private final Map<Integer, String> byTid = new HashMap<>();

    ThreadComms() {
        byTid.put(0, "swapper");
    }

    void comm(int tid, String comm) {
        byTid.put(tid, comm);
    }

    void fork(int parentTid, int childTid) {
        byTid.put(childTid, of(parentTid));
    }

    String of(int tid) {
        String c = byTid.get(tid);
        return c != null ? c : ":" + tid;
    }
}
