package dev.textpoke.pt.packet;

/**
 * One Intel PT packet with its decoded fields: what {@link PacketDecoder#packet()} materialises
 * for dumps and tests, and what {@link PacketEncoder#encode(Packet)} writes. The decoder's hot
 * path does not create these; it exposes the same fields through accessors.
 *
 * <p>Field layouts follow the SDM's packet tables (Vol. 3C, "Packet Definitions"). Constructors
 * refuse values the packet cannot carry, so that an encoder fixture never truncates silently.
 */
public sealed interface Packet {
    PacketType type();

    /** Padding. */
    record Pad() implements Packet {
        @Override
        public PacketType type() {
            return PacketType.PAD;
        }
    }

    /**
     * Taken/not-taken outcomes in wire order: the oldest in bit {@code count - 1}, the newest in
     * bit 0, 1 = taken. {@code type} is {@link PacketType#TNT_8} (1 to 6 outcomes) or
     * {@link PacketType#TNT_64} (1 to 47).
     */
    record Tnt(PacketType type, int count, long bits) implements Packet {
        public Tnt {
            int max = switch (type) {
                case TNT_8 -> 6;
                case TNT_64 -> 47;
                default -> throw new IllegalArgumentException("not a TNT type: " + type);
            };
            if (count < 1 || count > max) {
                throw new IllegalArgumentException(type + " holds 1 to " + max + " outcomes, not " + count);
            }
            if ((bits >>> count) != 0) {
                throw new IllegalArgumentException("outcome bits 0x" + Long.toHexString(bits) + " exceed " + count);
            }
        }

        /** The short form when the outcomes fit in it, else the long form. */
        public static Tnt of(int count, long bits) {
            return new Tnt(count <= 6 ? PacketType.TNT_8 : PacketType.TNT_64, count, bits);
        }

        /** Outcome {@code i}, 0 being the oldest. */
        public boolean taken(int i) {
            return (bits >>> (count - 1 - i) & 1) != 0;
        }
    }

    /** TIP, TIP.PGE, TIP.PGD or FUP with its compressed IP payload (not yet expanded against a last IP). */
    record Ip(PacketType type, IpCompression ipc, long payload) implements Packet {
        public Ip {
            if (!type.carriesIp()) {
                throw new IllegalArgumentException("not an IP packet: " + type);
            }
            if ((payload & ~ipc.payloadMask()) != 0) {
                throw new IllegalArgumentException(ipc + " carries no payload bits 0x" + Long.toHexString(payload));
            }
        }
    }

    /** MODE.Exec: CS.L (64-bit), CS.D (32-bit default operand size), RFLAGS.IF. */
    record ModeExec(boolean csl, boolean csd, boolean iflag) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.MODE_EXEC;
        }

        /** 16, 32 or 64: the code size the CS bits select (CS.L with CS.D, reserved, reads as 64). */
        public int bits() {
            return csl ? 64 : csd ? 32 : 16;
        }
    }

    /** MODE.TSX: in a transaction, transaction aborted. */
    record ModeTsx(boolean intx, boolean abort) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.MODE_TSX;
        }
    }

    /** PIP: CR3 (bits 51:5; bits 4:0 are not traced) and whether the CPU is in VMX non-root operation. */
    record Pip(long cr3, boolean nonRoot) implements Packet {
        public Pip {
            if ((cr3 & ~0x000f_ffff_ffff_ffe0L) != 0) {
                throw new IllegalArgumentException("PIP carries CR3 bits 51:5, not 0x" + Long.toHexString(cr3));
            }
        }

        @Override
        public PacketType type() {
            return PacketType.PIP;
        }
    }

    /** VMCS: the VMCS pointer (bits 51:12). */
    record Vmcs(long base) implements Packet {
        public Vmcs {
            if ((base & ~0x000f_ffff_ffff_f000L) != 0) {
                throw new IllegalArgumentException("VMCS carries bits 51:12, not 0x" + Long.toHexString(base));
            }
        }

        @Override
        public PacketType type() {
            return PacketType.VMCS;
        }
    }

    /** Overflow: packets were lost. */
    record Ovf() implements Packet {
        @Override
        public PacketType type() {
            return PacketType.OVF;
        }
    }

    /** Core-to-bus ratio (byte 2; byte 3 is reserved). */
    record Cbr(int ratio) implements Packet {
        public Cbr {
            checkBits("CBR ratio", ratio, 8);
        }

        @Override
        public PacketType type() {
            return PacketType.CBR;
        }
    }

    /** TSC bits 55:0. */
    record Tsc(long tsc) implements Packet {
        public Tsc {
            checkBits("TSC", tsc, 56);
        }

        @Override
        public PacketType type() {
            return PacketType.TSC;
        }
    }

    /** MTC: CTC[N+7:N], N being the configured MTC frequency. */
    record Mtc(int ctc) implements Packet {
        public Mtc {
            checkBits("MTC payload", ctc, 8);
        }

        @Override
        public PacketType type() {
            return PacketType.MTC;
        }
    }

    /** TMA: CTC[15:0] and the fast counter bits 8:0 at the TSC it follows. */
    record Tma(int ctc, int fc) implements Packet {
        public Tma {
            checkBits("TMA CTC", ctc, 16);
            checkBits("TMA fast counter", fc, 9);
        }

        @Override
        public PacketType type() {
            return PacketType.TMA;
        }
    }

    /** CYC: core cycles (up to 61 bits: a CYC is at most 9 bytes, as libipt decodes it). */
    record Cyc(long cycles) implements Packet {
        public Cyc {
            checkBits("CYC cycles", cycles, 61);
        }

        @Override
        public PacketType type() {
            return PacketType.CYC;
        }
    }

    /** TraceStop. */
    record Stop() implements Packet {
        @Override
        public PacketType type() {
            return PacketType.STOP;
        }
    }

    /** Maintenance: a model-specific 64-bit payload. */
    record Mnt(long payload) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.MNT;
        }
    }

    /** PTWRITE: a 4- or 8-byte operand; {@code ip} says a FUP with the instruction's IP follows. */
    record Ptw(int size, boolean ip, long payload) implements Packet {
        public Ptw {
            if (size != 4 && size != 8) {
                throw new IllegalArgumentException("PTW payload is 4 or 8 bytes, not " + size);
            }
            checkBits("PTW payload", payload, size * 8);
        }

        @Override
        public PacketType type() {
            return PacketType.PTW;
        }
    }

    /** EXSTOP; {@code ip} says a FUP follows. */
    record Exstop(boolean ip) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.EXSTOP;
        }
    }

    /** MWAIT: EAX hints and ECX extensions (32 bits each, unsigned). */
    record Mwait(int hints, int extensions) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.MWAIT;
        }
    }

    /**
     * PWRE: byte 2 bit 7 hardware-initiated (SDM; perf reads it there, libipt 2.x reads bit 3),
     * byte 3 the resolved thread C-state (bits 7:4) and sub C-state (bits 3:0).
     */
    record Pwre(boolean hw, int state, int subState) implements Packet {
        public Pwre {
            checkBits("PWRE C-state", state, 4);
            checkBits("PWRE sub C-state", subState, 4);
        }

        @Override
        public PacketType type() {
            return PacketType.PWRE;
        }
    }

    /**
     * PWRX: last and deepest core C-state, wake reason (bit 0 interrupt, bit 1 timer deadline,
     * bit 2 store to the monitored address, bit 3 autonomous/hardware).
     */
    record Pwrx(int lastState, int deepestState, int wakeReason) implements Packet {
        public Pwrx {
            checkBits("PWRX last C-state", lastState, 4);
            checkBits("PWRX deepest C-state", deepestState, 4);
            checkBits("PWRX wake reason", wakeReason, 4);
        }

        @Override
        public PacketType type() {
            return PacketType.PWRX;
        }
    }

    /** BBP: a PEBS block begins; its BIPs carry {@code bipSize} (4 or 8) bytes each. */
    record Bbp(int bipSize, int blockType) implements Packet {
        public Bbp {
            if (bipSize != 4 && bipSize != 8) {
                throw new IllegalArgumentException("BIP size is 4 or 8 bytes, not " + bipSize);
            }
            checkBits("BBP type", blockType, 5);
        }

        @Override
        public PacketType type() {
            return PacketType.BBP;
        }
    }

    /** BIP: one block item, an ID and a {@code size}-byte value (the enclosing BBP's size). */
    record Bip(int id, long value, int size) implements Packet {
        public Bip {
            if (size != 4 && size != 8) {
                throw new IllegalArgumentException("BIP size is 4 or 8 bytes, not " + size);
            }
            checkBits("BIP id", id, 5);
            checkBits("BIP value", value, size * 8);
        }

        @Override
        public PacketType type() {
            return PacketType.BIP;
        }
    }

    /** BEP: the block ends; {@code ip} says a FUP follows. */
    record Bep(boolean ip) implements Packet {
        @Override
        public PacketType type() {
            return PacketType.BEP;
        }
    }

    /** CFE (event trace): the event type (5 bits), its vector, and whether a FUP follows. */
    record Cfe(boolean ip, int eventType, int vector) implements Packet {
        public Cfe {
            checkBits("CFE type", eventType, 5);
            checkBits("CFE vector", vector, 8);
        }

        @Override
        public PacketType type() {
            return PacketType.CFE;
        }
    }

    /** EVD (event trace): the data type (6 bits, as perf reads it; libipt keeps 5) and its payload. */
    record Evd(int dataType, long payload) implements Packet {
        public Evd {
            checkBits("EVD type", dataType, 6);
        }

        @Override
        public PacketType type() {
            return PacketType.EVD;
        }
    }

    /**
     * TRIG (trigger tracing): the trigger bit vector, the IP bit (a FUP follows), the MULT bit
     * (more triggers than the vector shows), and the instruction count when {@code icntValid}.
     */
    record Trig(boolean ip, boolean mult, int trbv, boolean icntValid, int icnt) implements Packet {
        public Trig {
            checkBits("TRIG bit vector", trbv, 8);
            checkBits("TRIG instruction count", icnt, 16);
            if (!icntValid && icnt != 0) {
                throw new IllegalArgumentException("TRIG without ICNTV carries no count");
            }
        }

        @Override
        public PacketType type() {
            return PacketType.TRIG;
        }
    }

    /** PSB: the synchronisation pattern. */
    record Psb() implements Packet {
        @Override
        public PacketType type() {
            return PacketType.PSB;
        }
    }

    /** PSBEND: end of the PSB+ status block. */
    record Psbend() implements Packet {
        @Override
        public PacketType type() {
            return PacketType.PSBEND;
        }
    }

    private static void checkBits(String what, long value, int bits) {
        if (bits < 64 && (value >>> bits) != 0) {
            throw new IllegalArgumentException(what + " has " + bits + " bits, not 0x" + Long.toHexString(value));
        }
    }
}
