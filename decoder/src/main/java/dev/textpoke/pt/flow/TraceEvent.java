package dev.textpoke.pt.flow;

/**
 * An event the trace reports besides the flow: a PTWRITE payload, a power event or a TSX
 * transaction's begin, commit or abort (SDM Vol. 3C, "PTWRITE", "Power Event Tracing", "MODE.TSX"),
 * as perf synthesises them with {@code --itrace=w}, {@code p} and {@code x}. {@code ip} is where the
 * flow stood: the instruction a FUP names when {@code ipBound} (the PTWRITE, the MWAIT, the
 * instruction after which execution stopped, the first instruction in or after a transaction, the
 * one a transaction aborted at), else the instruction the walk had reached when the packet came
 * (perf's choice); 0 when the flow had no IP.
 *
 * @param a TRANSACTION: {@link #TX_BEGIN}, {@link #TX_COMMIT} or {@link #TX_ABORT}; CBR: the core:bus
 *     ratio; MWAIT and PWRE after one: the hints; PWRE: 1 if the hardware chose the C-state; PWRX: the
 *     deepest C-state
 * @param b MWAIT: the extensions; PWRE: the C-state; PWRX: the last C-state
 * @param c PWRE: the sub-C-state; PWRX: the wake reason
 */
public record TraceEvent(Kind kind, long time, long ip, boolean ipBound, long payload, int a, int b, int c) {
    public static final int TX_BEGIN = 0;
    public static final int TX_COMMIT = 1;
    public static final int TX_ABORT = 2;

    /** The kinds, named as perf names its synthesised events (but perf's "transactions"). */
    public enum Kind {
        PTWRITE("ptwrite"),
        CBR("cbr"),
        MWAIT("mwait"),
        PWRE("pwre"),
        EXSTOP("exstop"),
        PWRX("pwrx"),
        TRANSACTION("transaction");

        private final String perfName;

        Kind(String perfName) {
            this.perfName = perfName;
        }

        public String perfName() {
            return perfName;
        }
    }
}
