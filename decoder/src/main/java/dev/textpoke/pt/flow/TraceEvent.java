package dev.textpoke.pt.flow;

/**
 * An event the trace reports besides the flow: a PTWRITE payload or a power event (SDM Vol. 3C,
 * "PTWRITE", "Power Event Tracing"), as perf synthesises them with {@code --itrace=w} and {@code
 * --itrace=p}. {@code ip} is where the flow stood: the instruction a FUP names when {@code ipBound}
 * (the PTWRITE, the MWAIT, the instruction after which execution stopped), else the instruction the
 * walk had reached when the packet came (perf's choice); 0 when the flow had no IP.
 *
 * @param a CBR: the core:bus ratio; MWAIT and PWRE after one:
 *     the hints; PWRE: 1 if the hardware chose the C-state; PWRX: the deepest C-state
 * @param b MWAIT: the extensions; PWRE: the C-state; PWRX: the last C-state
 * @param c PWRE: the sub-C-state; PWRX: the wake reason
 */
public record TraceEvent(Kind kind, long time, long ip, boolean ipBound, long payload, int a, int b, int c) {
    /** The kinds, named as perf names its synthesised events. */
    public enum Kind {
        PTWRITE("ptwrite"),
        CBR("cbr"),
        MWAIT("mwait"),
        PWRE("pwre"),
        EXSTOP("exstop"),
        PWRX("pwrx");

        private final String perfName;

        Kind(String perfName) {
            this.perfName = perfName;
        }

        public String perfName() {
            return perfName;
        }

        /** Whether perf shows it with {@code --itrace=p} (the others with {@code --itrace=w}). */
        public boolean power() {
            return this != PTWRITE;
        }
    }
}
