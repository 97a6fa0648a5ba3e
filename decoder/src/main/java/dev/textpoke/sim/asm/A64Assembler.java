package dev.textpoke.sim.asm;

import java.util.ArrayList;
import java.util.List;

/**
 * A small A64 assembler for the programs the simulator runs on arm64: labels, function symbols,
 * the branches a waypoint trace needs (B, BL, B.cond, CBZ, CBNZ, RET, BR, BLR, ERET), the
 * instructions the kernel's patching protocols write or run (NOP, BRK, ISB, WFI, MSR DAIFSet and
 * DAIFClr) and filler (ADD, SUB, MOV, MOVZ, EOR, CMP). Encodings are those of the Arm ARM (DDI
 * 0487, C6.2), as binutils writes them; each instruction is also a line of GNU as source ({@link
 * #gasSource}), so that a test assembles the same program with {@code aarch64-linux-gnu-as} and
 * compares the words. Instructions are 32-bit little-endian words; every branch's reach is
 * checked when the code is finished. Not thread-safe; one use.
 */
public final class A64Assembler extends LayoutAssembler<A64Assembler> {
    /** Condition codes of B.cond (Arm ARM C1.2.4). */
    public enum Cond {
        EQ, NE, CS, CC, MI, PL, VS, VC, HI, LS, GE, LT, GT, LE;

        int code() {
            return ordinal();
        }
    }

    private final List<Fixup> fixups = new ArrayList<>();

    /** imm26 (B, BL) or imm19 (B.cond, CBZ, CBNZ) fields, in words. */
    private enum FixupKind { IMM26, IMM19 }

    private record Fixup(int offset, FixupKind kind, Label label, long pc) {}

    /** An assembler whose first word will be at {@code origin} (4-byte aligned). */
    public A64Assembler(long origin) {
        super(aligned(origin), ".L");
    }

    private static long aligned(long origin) {
        if ((origin & 3) != 0) {
            throw new IllegalArgumentException("A64 code is word aligned: 0x" + Long.toHexString(origin));
        }
        return origin;
    }

    @Override
    A64Assembler self() {
        return this;
    }

    // ---- instructions ---------------------------------------------------------------------------

    /** HINT #0. */
    public A64Assembler nop() {
        return word("nop", 0xd503201f);
    }

    public A64Assembler b(Label target) {
        return branch("b " + name(target), 0x14000000, FixupKind.IMM26, target);
    }

    public A64Assembler bl(Label target) {
        return branch("bl " + name(target), 0x94000000, FixupKind.IMM26, target);
    }

    /** BL to an absolute address (code assembled elsewhere); its reach is checked now. */
    public A64Assembler bl(long target) {
        long words = (target - here()) >> 2;
        if ((target & 3) != 0 || words < -(1L << 25) || words >= 1L << 25) {
            throw new IllegalStateException("bl to 0x" + Long.toHexString(target) + " out of reach at 0x" + Long.toHexString(here()));
        }
        return word("bl 0x" + Long.toHexString(target), 0x94000000 | (int) (words & 0x03ffffff));
    }

    public A64Assembler bcond(Cond c, Label target) {
        return branch("b." + c.name().toLowerCase(java.util.Locale.ROOT) + " " + name(target),
                0x54000000 | c.code(), FixupKind.IMM19, target);
    }

    /** CBZ Xt (64-bit). */
    public A64Assembler cbz(int rt, Label target) {
        return branch("cbz x" + reg(rt) + ", " + name(target), 0xb4000000 | rt, FixupKind.IMM19, target);
    }

    /** CBNZ Xt (64-bit). */
    public A64Assembler cbnz(int rt, Label target) {
        return branch("cbnz x" + reg(rt) + ", " + name(target), 0xb5000000 | rt, FixupKind.IMM19, target);
    }

    /** RET (X30). */
    public A64Assembler ret() {
        return word("ret", 0xd65f03c0);
    }

    public A64Assembler br(int rn) {
        return word("br x" + reg(rn), 0xd61f0000 | rn << 5);
    }

    public A64Assembler blr(int rn) {
        return word("blr x" + reg(rn), 0xd63f0000 | rn << 5);
    }

    public A64Assembler eret() {
        return word("eret", 0xd69f03e0);
    }

    /** BRK #imm16 (the kernel's kprobes use #0x4, {@code AARCH64_BREAK_FAULT} is #0x100). */
    public A64Assembler brk(int imm16) {
        if (imm16 < 0 || imm16 > 0xffff) {
            throw new IllegalArgumentException("brk immediate is 16 bits: " + imm16);
        }
        return word("brk #0x" + Integer.toHexString(imm16), 0xd4200000 | imm16 << 5);
    }

    public A64Assembler wfi() {
        return word("wfi", 0xd503207f);
    }

    /** ISB SY. */
    public A64Assembler isb() {
        return word("isb", 0xd5033fdf);
    }

    /** MSR DAIFSet, #2: masks IRQs. */
    public A64Assembler maskIrq() {
        return word("msr daifset, #2", 0xd50342df);
    }

    /** MSR DAIFClr, #2: unmasks IRQs. */
    public A64Assembler unmaskIrq() {
        return word("msr daifclr, #2", 0xd50342ff);
    }

    /** ADD Xd, Xn, #imm12. */
    public A64Assembler add(int rd, int rn, int imm12) {
        return word("add x" + reg(rd) + ", x" + reg(rn) + ", #" + imm12(imm12), 0x91000000 | imm12 << 10 | rn << 5 | rd);
    }

    /** SUB Xd, Xn, #imm12. */
    public A64Assembler sub(int rd, int rn, int imm12) {
        return word("sub x" + reg(rd) + ", x" + reg(rn) + ", #" + imm12(imm12), 0xd1000000 | imm12 << 10 | rn << 5 | rd);
    }

    /** MOV Xd, Xm (ORR Xd, XZR, Xm). */
    public A64Assembler mov(int rd, int rm) {
        return word("mov x" + reg(rd) + ", x" + reg(rm), 0xaa0003e0 | rm << 16 | rd);
    }

    /** MOVZ Xd, #imm16. */
    public A64Assembler movz(int rd, int imm16) {
        if (imm16 < 0 || imm16 > 0xffff) {
            throw new IllegalArgumentException("movz immediate is 16 bits: " + imm16);
        }
        return word("movz x" + reg(rd) + ", #" + imm16, 0xd2800000 | imm16 << 5 | rd);
    }

    /** EOR Xd, Xn, Xm. */
    public A64Assembler eor(int rd, int rn, int rm) {
        return word("eor x" + reg(rd) + ", x" + reg(rn) + ", x" + reg(rm), 0xca000000 | rm << 16 | rn << 5 | rd);
    }

    /** CMP Xn, #imm12 (SUBS XZR, Xn, #imm12). */
    public A64Assembler cmp(int rn, int imm12) {
        return word("cmp x" + reg(rn) + ", #" + imm12(imm12), 0xf100001f | imm12 << 10 | rn << 5);
    }

    /** A raw word, written as {@code .inst}. */
    public A64Assembler inst(int word) {
        return word(String.format(".inst 0x%08x", word), word);
    }

    // ---- finishing ------------------------------------------------------------------------------

    /**
     * Resolves every label reference.
     *
     * @throws IllegalStateException for an unbound label or a branch out of reach
     */
    public AssembledCode assemble() {
        endFunction();
        byte[] code = out.toByteArray();
        for (Fixup f : fixups) {
            long words = (layout.address(f.label()) - f.pc()) >> 2;
            int bits = f.kind() == FixupKind.IMM26 ? 26 : 19;
            if (words < -(1L << (bits - 1)) || words >= 1L << (bits - 1)) {
                throw new IllegalStateException("branch to " + f.label() + " out of reach at 0x" + Long.toHexString(f.pc()));
            }
            int w = get(code, f.offset());
            if (f.kind() == FixupKind.IMM26) {
                w |= (int) (words & 0x03ffffff);
            } else {
                w |= (int) (words & 0x7ffff) << 5;
            }
            put(code, f.offset(), w);
        }
        return layout.finish(code);
    }

    /** GNU as source (AArch64) that assembles, linked at the code's origin, to exactly its words. */
    public static String gasSource(AssembledCode code) {
        StringBuilder s = new StringBuilder(".text\n");
        for (AssembledCode.Line l : code.lines()) {
            s.append(l.length() == 0 ? "" : "    ").append(l.text()).append('\n');
        }
        return s.toString();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private A64Assembler word(String text, int w) {
        layout.line(here(), 4, text);
        for (int i = 0; i < 4; i++) {
            out.write(w >>> (8 * i) & 0xff);
        }
        return this;
    }

    private A64Assembler branch(String text, int base, FixupKind kind, Label target) {
        fixups.add(new Fixup(out.size(), kind, target, here()));
        return word(text, base);
    }

    private static int get(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static void put(byte[] b, int at, int w) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (w >>> (8 * i));
        }
    }

    private static int reg(int r) {
        if (r < 0 || r > 30) {
            throw new IllegalArgumentException("x0..x30: " + r);
        }
        return r;
    }

    private static int imm12(int imm) {
        if (imm < 0 || imm > 0xfff) {
            throw new IllegalArgumentException("12-bit immediate: " + imm);
        }
        return imm;
    }

    private String name(Label l) {
        return layout.name(l);
    }
}
