package dev.textpoke.code.unwind;

import dev.textpoke.io.InputFormatException;
import java.util.ArrayDeque;

/**
 * Runs call frame instructions (DWARF 5 section 6.4.2, with the GNU extensions GCC emits) up to
 * an address, giving the row of rules there.
 */
final class CfaProgram {
    private static final int ADVANCE_LOC = 0x40, OFFSET = 0x80, RESTORE = 0xc0;
    private static final int NOP = 0x00, SET_LOC = 0x01, ADVANCE_LOC1 = 0x02, ADVANCE_LOC2 = 0x03,
            ADVANCE_LOC4 = 0x04, OFFSET_EXTENDED = 0x05, RESTORE_EXTENDED = 0x06, UNDEFINED = 0x07,
            SAME_VALUE = 0x08, REGISTER = 0x09, REMEMBER_STATE = 0x0a, RESTORE_STATE = 0x0b, DEF_CFA = 0x0c,
            DEF_CFA_REGISTER = 0x0d, DEF_CFA_OFFSET = 0x0e, DEF_CFA_EXPRESSION = 0x0f, EXPRESSION = 0x10,
            OFFSET_EXTENDED_SF = 0x11, DEF_CFA_SF = 0x12, DEF_CFA_OFFSET_SF = 0x13, VAL_OFFSET = 0x14,
            VAL_OFFSET_SF = 0x15, VAL_EXPRESSION = 0x16, GNU_WINDOW_SAVE = 0x2d, GNU_ARGS_SIZE = 0x2e,
            GNU_NEGATIVE_OFFSET_EXTENDED = 0x2f;

    private final DwarfReader r;
    private final CommonInfo cie;
    private final UnwindRow.Builder row;
    /** The rules after the CIE's instructions, which DW_CFA_restore goes back to. */
    private UnwindRow.Builder initial;
    private final ArrayDeque<UnwindRow.Builder> remembered = new ArrayDeque<>();

    CfaProgram(DwarfReader r, CommonInfo cie, UnwindRow.Builder abi) {
        this.r = r;
        this.cie = cie;
        this.row = new UnwindRow.Builder(abi);
        this.initial = new UnwindRow.Builder(abi);
    }

    /** The CIE's instructions are done: what they set is what DW_CFA_restore restores. */
    void startDescription() {
        initial = new UnwindRow.Builder(row);
        remembered.clear();
    }

    UnwindRow row(int raRegister, boolean signalFrame) {
        return row.build(raRegister, signalFrame, r.bytes());
    }

    /**
     * Runs the instructions in {@code [from, to)} while the location (starting at {@code loc}) is
     * not past {@code target} (unsigned); {@code target} -1 runs them all.
     */
    void run(int from, int to, long target, long loc) throws InputFormatException {
        r.pos = from;
        while (r.pos < to) {
            int at = r.pos;
            int op = r.u8();
            int high = op & 0xc0;
            if (high == ADVANCE_LOC) {
                loc += (op & 0x3f) * cie.codeAlign();
                if (past(loc, target)) {
                    return;
                }
                continue;
            }
            if (high == OFFSET) {
                row.rule(op & 0x3f, UnwindRow.OFFSET, r.uleb() * cie.dataAlign());
                continue;
            }
            if (high == RESTORE) {
                restore(op & 0x3f);
                continue;
            }
            switch (op) {
                case NOP -> { }
                case SET_LOC -> {
                    loc = r.pointer(cie.fdeEncoding(), false);
                    if (past(loc, target)) {
                        return;
                    }
                }
                case ADVANCE_LOC1, ADVANCE_LOC2, ADVANCE_LOC4 -> {
                    long delta = op == ADVANCE_LOC1 ? r.u8() : op == ADVANCE_LOC2 ? r.u16() : r.u32();
                    loc += delta * cie.codeAlign();
                    if (past(loc, target)) {
                        return;
                    }
                }
                case OFFSET_EXTENDED -> {
                    int reg = r.ulebInt();
                    row.rule(reg, UnwindRow.OFFSET, r.uleb() * cie.dataAlign());
                }
                case RESTORE_EXTENDED -> restore(r.ulebInt());
                case UNDEFINED -> row.rule(r.ulebInt(), UnwindRow.UNDEFINED, 0);
                case SAME_VALUE -> row.rule(r.ulebInt(), UnwindRow.SAME_VALUE, 0);
                case REGISTER -> {
                    int reg = r.ulebInt();
                    row.rule(reg, UnwindRow.REGISTER, r.ulebInt());
                }
                case REMEMBER_STATE -> remembered.push(new UnwindRow.Builder(row));
                case RESTORE_STATE -> {
                    if (remembered.isEmpty()) {
                        throw r.error(at, "DW_CFA_restore_state without a remembered state");
                    }
                    row.copyFrom(remembered.pop());
                }
                case DEF_CFA -> {
                    int reg = r.ulebInt();
                    row.cfa(reg, r.uleb());
                }
                case DEF_CFA_SF -> {
                    int reg = r.ulebInt();
                    row.cfa(reg, r.sleb() * cie.dataAlign());
                }
                case DEF_CFA_REGISTER -> {
                    int reg = r.ulebInt();
                    if (row.cfaRegister < 0 && row.cfaExpression != 0) {
                        throw r.error(at, "DW_CFA_def_cfa_register after a CFA expression");
                    }
                    row.cfa(reg, row.cfaOffset);
                }
                case DEF_CFA_OFFSET -> row.cfaOffset = r.uleb();
                case DEF_CFA_OFFSET_SF -> row.cfaOffset = r.sleb() * cie.dataAlign();
                case DEF_CFA_EXPRESSION -> {
                    row.cfaRegister = -1;
                    row.cfaExpression = block();
                }
                case EXPRESSION, VAL_EXPRESSION -> {
                    int reg = r.ulebInt();
                    row.rule(reg, op == EXPRESSION ? UnwindRow.EXPRESSION : UnwindRow.VAL_EXPRESSION, block());
                }
                case OFFSET_EXTENDED_SF -> {
                    int reg = r.ulebInt();
                    row.rule(reg, UnwindRow.OFFSET, r.sleb() * cie.dataAlign());
                }
                case VAL_OFFSET -> {
                    int reg = r.ulebInt();
                    row.rule(reg, UnwindRow.VAL_OFFSET, r.uleb() * cie.dataAlign());
                }
                case VAL_OFFSET_SF -> {
                    int reg = r.ulebInt();
                    row.rule(reg, UnwindRow.VAL_OFFSET, r.sleb() * cie.dataAlign());
                }
                case GNU_ARGS_SIZE -> r.uleb();
                case GNU_WINDOW_SAVE -> { } // SPARC's window save; arm64's return-address signing state
                case GNU_NEGATIVE_OFFSET_EXTENDED -> {
                    int reg = r.ulebInt();
                    row.rule(reg, UnwindRow.OFFSET, -r.uleb() * cie.dataAlign());
                }
                default -> throw r.error(at, "call frame instruction 0x" + Integer.toHexString(op) + " is not defined");
            }
        }
    }

    private static boolean past(long loc, long target) {
        return target != -1 && Long.compareUnsigned(loc, target) > 0;
    }

    private void restore(int reg) {
        if (reg >= 0 && reg < UnwindRow.REGISTERS) {
            row.rule(reg, initial.kinds[reg], initial.values[reg]);
        }
    }

    /** A {@code uleb length; bytes} block: returns {@code position << 32 | length} and skips it. */
    private long block() throws InputFormatException {
        int at = r.pos;
        long length = r.uleb();
        if (length < 0 || length > r.limit() - r.pos) {
            throw r.error(at, "expression of " + Long.toUnsignedString(length) + " bytes runs past the section");
        }
        long place = (long) r.pos << 32 | length;
        r.pos += (int) length;
        return place;
    }
}
