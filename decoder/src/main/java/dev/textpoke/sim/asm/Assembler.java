package dev.textpoke.sim.asm;

import java.util.ArrayList;
import java.util.List;

/**
 * A small x86-64 assembler for the programs the simulator runs: labels, symbols, and the
 * instructions branch-trace tests need (nops of 1, 2 and 5 bytes, Jcc/JMP rel8 and rel32, CALL
 * rel32, RET, JMP/CALL through a register or memory, INT3, SYSCALL, SYSRETQ, IRETQ) plus filler
 * (MOV, ADD, SUB, LEA, CMP, TEST, XOR, INC, DEC, PUSH, POP). Encodings follow the Intel SDM Vol. 2
 * instruction pages; each instruction is also written as a line of yasm source ({@link
 * AssembledCode#yasmSource()}), so that a test can assemble the same program with yasm and compare
 * the bytes.
 *
 * <p>Branch sizes are explicit ({@code jcc8} or {@code jcc32}): there is no relaxation, so an
 * address never moves once emitted. Not thread-safe; one use.
 */
public final class Assembler extends LayoutAssembler<Assembler> {
    private final List<Fixup> fixups = new ArrayList<>();

    private enum FixupKind { REL8, REL32, ABS64, ABS32S }

    /** A reference to a label, patched when the code is finished. */
    private record Fixup(int offset, FixupKind kind, Label label, long addend, long end) {}

    /** An assembler whose first byte will be at {@code origin}. */
    public Assembler(long origin) {
        super(origin, "L");
    }

    @Override
    Assembler self() {
        return this;
    }

    // ---- Nops and traps ---------------------------------------------------------------------

    /** {@code 90}. */
    public Assembler nop1() {
        return emit("nop", 0x90);
    }

    /** {@code 66 90}: the 2-byte nop of x86 jump labels ({@code BYTES_NOP2}). */
    public Assembler nop2() {
        return emit("xchg ax, ax", 0x66, 0x90);
    }

    /** {@code 0f 1f 44 00 00}: the 5-byte nop of jump labels and ftrace sites ({@code BYTES_NOP5}). */
    public Assembler nop5() {
        return emit("db 0x0f, 0x1f, 0x44, 0x00, 0x00", 0x0f, 0x1f, 0x44, 0x00, 0x00);
    }

    /** {@code cc}. */
    public Assembler int3() {
        return emit("int3", 0xcc);
    }

    /** {@code 0f 05}. */
    public Assembler syscall() {
        return emit("syscall", 0x0f, 0x05);
    }

    /** {@code 48 0f 07}: return to 64-bit user mode. */
    public Assembler sysretq() {
        return emit("o64 sysret", 0x48, 0x0f, 0x07);
    }

    /** {@code 48 cf}. */
    public Assembler iretq() {
        return emit("iretq", 0x48, 0xcf);
    }

    /** {@code f4}. */
    public Assembler hlt() {
        return emit("hlt", 0xf4);
    }

    // ---- Branches -----------------------------------------------------------------------------

    /** {@code 70+cc rel8}. */
    public Assembler jcc8(Cond c, Label target) {
        start(c.mnemonic() + " short " + yasmName(target));
        byte1(0x70 | c.code());
        return rel8(target);
    }

    /** {@code 0f 80+cc rel32}. */
    public Assembler jcc32(Cond c, Label target) {
        start(c.mnemonic() + " near " + yasmName(target));
        byte1(0x0f);
        byte1(0x80 | c.code());
        return rel32(target);
    }

    /** {@code eb rel8}: the jump of a 2-byte jump label. */
    public Assembler jmp8(Label target) {
        start("jmp short " + yasmName(target));
        byte1(0xeb);
        return rel8(target);
    }

    /** {@code e9 rel32}. */
    public Assembler jmp32(Label target) {
        start("jmp near " + yasmName(target));
        byte1(0xe9);
        return rel32(target);
    }

    /** {@code e8 rel32}. */
    public Assembler call(Label target) {
        start("call " + yasmName(target));
        byte1(0xe8);
        return rel32(target);
    }

    /** {@code e8 rel32} to an absolute address outside this code. */
    public Assembler call(long target) {
        start("call 0x" + Long.toHexString(target));
        byte1(0xe8);
        return relAbs32(target);
    }

    /** {@code e9 rel32} to an absolute address outside this code. */
    public Assembler jmp32(long target) {
        start("jmp near 0x" + Long.toHexString(target));
        byte1(0xe9);
        return relAbs32(target);
    }

    /** {@code e2 rel8}: decrement RCX, jump if not zero. */
    public Assembler loop(Label target) {
        start("loop " + yasmName(target));
        byte1(0xe2);
        return rel8(target);
    }

    /** {@code c3}. */
    public Assembler ret() {
        return emit("ret", 0xc3);
    }

    /** {@code ff /4}: {@code jmp reg}. */
    public Assembler jmp(Reg r) {
        start("jmp " + r.asmName());
        rexB(r, false);
        byte1(0xff);
        byte1(0xc0 | 4 << 3 | r.code() & 7);
        return end();
    }

    /** {@code ff /2}: {@code call reg}. */
    public Assembler call(Reg r) {
        start("call " + r.asmName());
        rexB(r, false);
        byte1(0xff);
        byte1(0xc0 | 2 << 3 | r.code() & 7);
        return end();
    }

    /** {@code ff /4}: {@code jmp qword [mem]}. */
    public Assembler jmp(Mem m) {
        start("jmp qword " + yasm(m));
        return modrm(false, 4, m, 0xff);
    }

    /** {@code ff /2}: {@code call qword [mem]}. */
    public Assembler call(Mem m) {
        start("call qword " + yasm(m));
        return modrm(false, 2, m, 0xff);
    }

    // ---- Filler -------------------------------------------------------------------------------

    /** {@code 48 89 /r}: {@code mov dst, src}. */
    public Assembler mov(Reg dst, Reg src) {
        start("mov " + dst.asmName() + ", " + src.asmName());
        return regReg(0x89, src, dst);
    }

    /** {@code 48 c7 /0 id}: {@code mov dst, imm32} (sign-extended). */
    public Assembler mov(Reg dst, int imm) {
        start("mov " + dst.asmName() + ", dword " + imm);
        rexW(null, null, dst);
        byte1(0xc7);
        byte1(0xc0 | dst.code() & 7);
        int32(imm);
        return end();
    }

    /** {@code 48 8b /r}: {@code mov dst, qword [mem]}. */
    public Assembler load(Reg dst, Mem m) {
        start("mov " + dst.asmName() + ", qword " + yasm(m));
        return modrm(true, dst.code(), m, 0x8b);
    }

    /** {@code 48 8d /r}: {@code lea dst, [mem]}. */
    public Assembler lea(Reg dst, Mem m) {
        start("lea " + dst.asmName() + ", " + yasm(m));
        return modrm(true, dst.code(), m, 0x8d);
    }

    /** {@code add dst, imm}: {@code 48 83 /0 ib}, {@code 48 81 /0 id}, or {@code 48 05 id} for RAX. */
    public Assembler add(Reg dst, int imm) {
        return arithImm("add", 0, dst, imm);
    }

    /** {@code sub dst, imm}: {@code 48 83 /5 ib} or {@code 48 81 /5 id}. */
    public Assembler sub(Reg dst, int imm) {
        return arithImm("sub", 5, dst, imm);
    }

    /** {@code cmp dst, imm}: {@code 48 83 /7 ib} or {@code 48 81 /7 id}. */
    public Assembler cmp(Reg dst, int imm) {
        return arithImm("cmp", 7, dst, imm);
    }

    /** {@code 48 01 /r}: {@code add dst, src}. */
    public Assembler add(Reg dst, Reg src) {
        start("add " + dst.asmName() + ", " + src.asmName());
        return regReg(0x01, src, dst);
    }

    /** {@code 48 31 /r}: {@code xor dst, src}. */
    public Assembler xor(Reg dst, Reg src) {
        start("xor " + dst.asmName() + ", " + src.asmName());
        return regReg(0x31, src, dst);
    }

    /** {@code 48 85 /r}: {@code test a, b}. */
    public Assembler test(Reg a, Reg b) {
        start("test " + a.asmName() + ", " + b.asmName());
        return regReg(0x85, b, a);
    }

    /** {@code 48 39 /r}: {@code cmp a, b}. */
    public Assembler cmp(Reg a, Reg b) {
        start("cmp " + a.asmName() + ", " + b.asmName());
        return regReg(0x39, b, a);
    }

    /** {@code 48 ff /0}: {@code inc r}. */
    public Assembler inc(Reg r) {
        start("inc " + r.asmName());
        rexW(null, null, r);
        byte1(0xff);
        byte1(0xc0 | r.code() & 7);
        return end();
    }

    /** {@code 48 ff /1}: {@code dec r}. */
    public Assembler dec(Reg r) {
        start("dec " + r.asmName());
        rexW(null, null, r);
        byte1(0xff);
        byte1(0xc0 | 1 << 3 | r.code() & 7);
        return end();
    }

    /** {@code 50+r} (with REX.B for r8-r15). */
    public Assembler push(Reg r) {
        start("push " + r.asmName());
        rexB(r, false);
        byte1(0x50 | r.code() & 7);
        return end();
    }

    /** {@code 58+r} (with REX.B for r8-r15). */
    public Assembler pop(Reg r) {
        start("pop " + r.asmName());
        rexB(r, false);
        byte1(0x58 | r.code() & 7);
        return end();
    }

    // ---- Data ---------------------------------------------------------------------------------

    /** Raw bytes (data, or an instruction this assembler does not know). */
    public Assembler bytes(int... b) {
        StringBuilder s = new StringBuilder("db ");
        for (int i = 0; i < b.length; i++) {
            s.append(i == 0 ? "" : ", ").append(String.format("0x%02x", b[i] & 0xff));
        }
        return emit(s.toString(), b);
    }

    /** Raw bytes. */
    public Assembler bytes(byte[] b) {
        int[] v = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i] & 0xff;
        }
        return bytes(v);
    }

    /** {@code dq label}: a 64-bit absolute address (a jump table entry). */
    public Assembler quad(Label l) {
        start("dq " + yasmName(l));
        fixups.add(new Fixup(out.size(), FixupKind.ABS64, l, 0, 0));
        int64(0);
        return end();
    }

    /** {@code dq value}. */
    public Assembler quad(long value) {
        start("dq 0x" + Long.toHexString(value));
        int64(value);
        return end();
    }

    /** Pads with {@code fill} up to the next multiple of {@code alignment}. */
    public Assembler align(int alignment, int fill) {
        if (Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        int n = (int) (-here() & (alignment - 1));
        if (n > 0) {
            int[] b = new int[n];
            java.util.Arrays.fill(b, fill & 0xff);
            bytes(b);
        }
        return this;
    }

    // ---- Finishing ----------------------------------------------------------------------------

    /**
     * Resolves every label reference and returns the code.
     *
     * @throws IllegalStateException for an unbound label or a displacement out of range
     */
    public AssembledCode assemble() {
        endFunction();
        byte[] code = out.toByteArray();
        for (Fixup f : fixups) {
            long target = layout.address(f.label()) + f.addend();
            switch (f.kind()) {
                case REL8 -> {
                    long d = target - f.end();
                    if (d < -128 || d > 127) {
                        throw new IllegalStateException("rel8 to " + f.label() + " out of range at 0x"
                                + Long.toHexString(layout.origin() + f.offset()) + ": " + d);
                    }
                    code[f.offset()] = (byte) d;
                }
                case REL32 -> put(code, f.offset(), checked32(target - f.end(), f), 4);
                case ABS32S -> put(code, f.offset(), checked32(target, f), 4);
                case ABS64 -> put(code, f.offset(), target, 8);
            }
        }
        return layout.finish(code);
    }

    private long checked32(long v, Fixup f) {
        if (v != (int) v) {
            throw new IllegalStateException("32-bit displacement to " + f.label() + " out of range at 0x"
                    + Long.toHexString(layout.origin() + f.offset()) + ": 0x" + Long.toHexString(v));
        }
        return v;
    }

    private static void put(byte[] code, int at, long v, int n) {
        for (int i = 0; i < n; i++) {
            code[at + i] = (byte) (v >>> (8 * i));
        }
    }

    // ---- Encoding helpers ---------------------------------------------------------------------

    private int insnStart;
    private String insnText;

    private void start(String text) {
        insnStart = out.size();
        insnText = text;
    }

    private Assembler end() {
        layout.line(layout.origin() + insnStart, out.size() - insnStart, insnText);
        return this;
    }

    private Assembler emit(String text, int... b) {
        start(text);
        for (int x : b) {
            byte1(x);
        }
        return end();
    }

    private void byte1(int b) {
        out.write(b & 0xff);
    }

    private void int32(long v) {
        for (int i = 0; i < 4; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private void int64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private Assembler rel8(Label target) {
        fixups.add(new Fixup(out.size(), FixupKind.REL8, target, 0, here() + 1));
        byte1(0);
        return end();
    }

    private Assembler rel32(Label target) {
        fixups.add(new Fixup(out.size(), FixupKind.REL32, target, 0, here() + 4));
        int32(0);
        return end();
    }

    private Assembler relAbs32(long target) {
        long d = target - (here() + 4);
        if (d != (int) d) {
            throw new IllegalStateException("rel32 to 0x" + Long.toHexString(target) + " out of range");
        }
        int32(d);
        return end();
    }

    /** REX with W set and R/X/B from the registers given (null for none). */
    private void rexW(Reg r, Reg x, Reg b) {
        int rex = 0x48;
        if (r != null && r.code() >= 8) {
            rex |= 4;
        }
        if (x != null && x.code() >= 8) {
            rex |= 2;
        }
        if (b != null && b.code() >= 8) {
            rex |= 1;
        }
        byte1(rex);
    }

    /** REX.B for an r8-r15 operand of an instruction whose default size is 64 bits (push, jmp r). */
    private void rexB(Reg r, boolean always) {
        if (r.code() >= 8 || always) {
            byte1(0x40 | (r.code() >= 8 ? 1 : 0));
        }
    }

    /** {@code REX.W op /r} with register operands: {@code reg} in ModRM.reg, {@code rm} in ModRM.rm. */
    private Assembler regReg(int op, Reg reg, Reg rm) {
        rexW(reg, null, rm);
        byte1(op);
        byte1(0xc0 | (reg.code() & 7) << 3 | rm.code() & 7);
        return end();
    }

    private Assembler arithImm(String name, int ext, Reg dst, int imm) {
        start(name + " " + dst.asmName() + ", " + imm);
        rexW(null, null, dst);
        boolean short8 = imm == (byte) imm;
        if (!short8 && dst == Reg.RAX) {
            // The accumulator form (05, 2d, 3d id), as yasm and gas choose it.
            byte1(ext << 3 | 5);
            int32(imm);
            return end();
        }
        byte1(short8 ? 0x83 : 0x81);
        byte1(0xc0 | ext << 3 | dst.code() & 7);
        if (short8) {
            byte1(imm);
        } else {
            int32(imm);
        }
        return end();
    }

    /**
     * {@code [REX] op ModRM [SIB] [disp]} for a memory operand, {@code reg} being the register or
     * opcode extension in ModRM.reg (Intel SDM Vol. 2, 2.1.5, tables 2-2 and 2-3).
     */
    private Assembler modrm(boolean w, int reg, Mem m, int op) {
        Reg base = m.base();
        Reg index = m.index();
        int rex = (w ? 8 : 0) | (reg >= 8 ? 4 : 0) | (index != null && index.code() >= 8 ? 2 : 0)
                | (base != null && base.code() >= 8 ? 1 : 0);
        if (rex != 0) {
            byte1(0x40 | rex);
        }
        byte1(op);
        int r = (reg & 7) << 3;
        if (m.rip()) {
            byte1(r | 5);
            fixups.add(new Fixup(out.size(), FixupKind.REL32, m.label(), m.disp(), here() + 4));
            int32(0);
            return end();
        }
        int ss = Integer.numberOfTrailingZeros(m.scale()) << 6;
        if (base == null) {
            // No base: mod 00, rm 100, SIB base 101, disp32 absolute (sign-extended).
            byte1(r | 4);
            byte1(ss | (index == null ? 4 : index.code() & 7) << 3 | 5);
            if (m.label() != null) {
                fixups.add(new Fixup(out.size(), FixupKind.ABS32S, m.label(), m.disp(), 0));
                int32(0);
            } else {
                int32(m.disp());
            }
            return end();
        }
        if (m.label() != null) {
            throw new IllegalArgumentException("a based operand takes a numeric displacement");
        }
        long disp = m.disp();
        int mod;
        if (disp == 0 && (base.code() & 7) != 5) {
            mod = 0;
        } else if (disp == (byte) disp) {
            mod = 0x40;
        } else if (disp == (int) disp) {
            mod = 0x80;
        } else {
            throw new IllegalArgumentException("displacement does not fit 32 bits: " + disp);
        }
        boolean sib = index != null || (base.code() & 7) == 4;
        byte1(mod | r | (sib ? 4 : base.code() & 7));
        if (sib) {
            byte1(ss | (index == null ? 4 : index.code() & 7) << 3 | base.code() & 7);
        }
        if (mod == 0x40) {
            byte1((int) disp);
        } else if (mod == 0x80) {
            int32(disp);
        }
        return end();
    }

    // ---- yasm text ----------------------------------------------------------------------------

    private String yasmName(Label l) {
        return layout.name(l);
    }

    private String yasm(Mem m) {
        StringBuilder s = new StringBuilder("[");
        if (m.rip()) {
            s.append("rel ").append(yasmName(m.label()));
        } else {
            String sep = "";
            if (m.base() != null) {
                s.append(m.base().asmName());
                sep = "+";
            }
            if (m.index() != null) {
                s.append(sep).append(m.index().asmName()).append('*').append(m.scale());
                sep = "+";
            }
            if (m.label() != null) {
                s.append(sep).append(yasmName(m.label()));
                sep = "+";
            }
            if (m.disp() != 0 || sep.isEmpty()) {
                s.append(m.disp() < 0 ? "-" : sep).append(Math.abs(m.disp()));
            }
        }
        if (m.rip() && m.disp() != 0) {
            s.append(m.disp() < 0 ? "-" : "+").append(Math.abs(m.disp()));
        }
        return s.append(']').toString();
    }
}
