package dev.textpoke.pt.etm;

/**
 * The packets of textpoke's waypoint trace: an ETMv4-style instruction trace for A64, as CoreSight
 * ETMv4 and ETE produce it (Arm IHI 0064, "ETM Architecture Specification ETMv4", chapter 6,
 * "Instruction trace packets"), reduced to what a flow decoder needs, with byte encodings of its
 * own where ETMv4's are variable-length (see {@link EtmEncoder} for the bytes). Every waypoint
 * (every branch instruction, taken or not) is an atom; an indirect branch's target, the start of
 * trace and each synchronisation give an address; an exception gives its preferred return address
 * and its target; timestamps come from a cycle counter and with each synchronisation. Nothing
 * announces a code modification: arm64 has no PERF_RECORD_TEXT_POKE.
 */
public sealed interface EtmPacket {
    /** Alignment synchronisation: eleven zero bytes and {@code 0x80} (ETMv4 A-Sync). */
    record Async() implements EtmPacket {}

    /** Trace info after an A-Sync (ETMv4 TraceInfo): {@code info} is kept as given. */
    record TraceInfo(int info) implements EtmPacket {}

    /** The time (the generic counter, in the simulator's ticks) of the element that follows. */
    record Timestamp(long value) implements EtmPacket {}

    /** An address: where trace starts or resumes, or the target of the last indirect branch. */
    record Address(long address) implements EtmPacket {}

    /**
     * An exception (ETMv4 Exception packet): taken before the instruction at {@code returnAddress}
     * executed (an IRQ: the next instruction; a BRK: the BRK itself), into the handler the next
     * {@link Address} names.
     */
    record Exception(ExceptionType type, long returnAddress) implements EtmPacket {}

    /**
     * {@code count} (1 to 3) atoms, one per waypoint, oldest in bit 0: 1 is E (the branch was taken),
     * 0 is N (not taken). ETMv4 atom formats 1, 2 and 3.
     */
    record Atoms(int count, int bits) implements EtmPacket {
        public Atoms {
            if (count < 1 || count > 3 || (bits & ~((1 << count) - 1)) != 0) {
                throw new IllegalArgumentException("1 to 3 atoms: " + count + " " + Integer.toBinaryString(bits));
            }
        }
    }

    /** The trace unit's buffer overflowed: elements were lost (ETMv4 Overflow). */
    record Overflow() implements EtmPacket {}

    /** Exception types (the ETMv4 exception numbers for an ARMv8-A PE that the model produces). */
    enum ExceptionType {
        /** A breakpoint instruction: BRK (ETMv4 "Breakpoint/BKPT", type 0x0c). */
        BREAKPOINT(0x0c),
        /** An interrupt request (ETMv4 "IRQ", type 0x0e). */
        IRQ(0x0e),
        /** A synchronous fault (ETMv4 "Data fault", type 0x0a). */
        FAULT(0x0a);

        private final int number;

        ExceptionType(int number) {
            this.number = number;
        }

        public int number() {
            return number;
        }

        public static ExceptionType of(int number) {
            for (ExceptionType t : values()) {
                if (t.number == number) {
                    return t;
                }
            }
            return null;
        }
    }
}
