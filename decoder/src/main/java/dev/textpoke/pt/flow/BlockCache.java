package dev.textpoke.pt.flow;

import dev.textpoke.code.AppliedModification;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.Region;
import dev.textpoke.code.Switch;
import dev.textpoke.code.WindowSide;
import dev.textpoke.isa.Decoded;
import dev.textpoke.isa.Instruction;
import dev.textpoke.isa.InstructionCache;
import java.util.Arrays;

/**
 * {@link Block}s over a {@link CodeTimeline}, each built once per interval of time in which its
 * bytes do not change: a lookup is one hash probe and an interval check. A poke makes the blocks
 * over the bytes it touches build again, and only for the times after it; nothing is invalidated
 * by guessing (perf drops every cached run within 4096 bytes before a poke).
 *
 * <p>Not thread-safe (it holds an {@link InstructionCache}): one per decoding thread. The table
 * is emptied when it holds {@code maxBlocks}.
 */
public final class BlockCache implements CodeBlocks {
    /** Instructions per block at most: longer straight runs are cut ({@link BlockEnd#LIMIT}). */
    static final int MAX_INSTRUCTIONS = 64;

    private final CodeTimeline timeline;
    private final InstructionCache instructions;
    private final int maxBlocks;
    private final Instruction[] scratch = new Instruction[MAX_INSTRUCTIONS];
    private long[] keys;
    private Block[] blocks;
    private int size;
    private long built;

    public BlockCache(CodeTimeline timeline, InstructionCache instructions) {
        this(timeline, instructions, 1 << 20);
    }

    public BlockCache(CodeTimeline timeline, InstructionCache instructions, int maxBlocks) {
        this.timeline = timeline;
        this.instructions = instructions;
        this.maxBlocks = Math.max(16, maxBlocks);
        allocate(1 << 12);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        blocks = new Block[capacity];
        size = 0;
    }

    public CodeTimeline timeline() {
        return timeline;
    }

    /** The block starting at {@code ip} as the code was at {@code time}. */
    @Override
    public Block at(long ip, long time) {
        int mask = keys.length - 1;
        int i = slot(ip, mask);
        Block b;
        while ((b = blocks[i]) != null) {
            if (keys[i] == ip) {
                // Versions of a block at a flipped site pile up (one per interval between flips);
                // the one found moves to the front, as decoding time mostly goes forward.
                for (Block prev = null, s = b; s != null; prev = s, s = s.sibling) {
                    if (s.validAt(time)) {
                        if (prev != null) {
                            prev.sibling = s.sibling;
                            s.sibling = b;
                            blocks[i] = s;
                        }
                        return s;
                    }
                }
                Block fresh = build(ip, time);
                fresh.sibling = b;
                blocks[i] = fresh;
                return fresh;
            }
            i = (i + 1) & mask;
        }
        Block fresh = build(ip, time);
        if (size + 1 > maxBlocks) {
            allocate(keys.length);
        } else if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(ip, fresh);
        return fresh;
    }

    /** Blocks built so far (cache misses). */
    public long built() {
        return built;
    }

    private static int slot(long ip, int mask) {
        long h = ip * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void insert(long ip, Block b) {
        int mask = keys.length - 1;
        int i = slot(ip, mask);
        while (blocks[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = ip;
        blocks[i] = b;
        size++;
    }

    private void grow() {
        long[] k = keys;
        Block[] b = blocks;
        allocate(k.length * 2);
        for (int i = 0; i < k.length; i++) {
            if (b[i] != null) {
                insert(k[i], b[i]);
            }
        }
    }

    private Block build(long ip, long time) {
        built++;
        int n = 0;
        long addr = ip;
        BlockEnd end = BlockEnd.LIMIT;
        long endAddress = ip;
        long lastByte = ip;
        while (true) {
            Decoded d = instructions.at(addr, time);
            if (!(d instanceof Instruction insn)) {
                end = BlockEnd.UNDECODABLE;
                endAddress = addr;
                // The bytes an instruction could have taken decide that it is not one.
                lastByte = addr + CodeTimeline.VERSION_SPAN;
                break;
            }
            scratch[n++] = insn;
            endAddress = addr;
            lastByte = insn.next();
            BlockEnd e = endOf(insn);
            if (e != null) {
                end = e;
                break;
            }
            if (n == MAX_INSTRUCTIONS) {
                break;
            }
            addr = insn.next();
        }
        long[] interval = stableInterval(ip, lastByte, time);
        Instruction[] insns = Arrays.copyOf(scratch, n);
        byte[] bytes = new byte[n == 0 ? 0 : (int) (insns[n - 1].next() - ip)];
        timeline.read(ip, time, WindowSide.NEW, bytes, 0, bytes.length);
        return new Block(ip, insns, bytes, end, endAddress, interval[0], interval[1]);
    }

    /** How a block whose last instruction is {@code insn} ends; null for a non-branch. */
    static BlockEnd endOf(Instruction insn) {
        return switch (insn.branchClass()) {
            case NONE -> null;
            case CONDITIONAL -> BlockEnd.CONDITIONAL;
            case UNCONDITIONAL_DIRECT -> BlockEnd.DIRECT_JUMP;
            case INDIRECT -> BlockEnd.INDIRECT_JUMP;
            case CALL -> insn.hasTarget() ? BlockEnd.DIRECT_CALL : BlockEnd.INDIRECT_CALL;
            case RETURN -> BlockEnd.RETURN;
            case FAR_TRANSFER -> isSoftwareInterrupt(insn) ? BlockEnd.TRAP : BlockEnd.FAR_TRANSFER;
            case TRAP -> BlockEnd.TRAP;
        };
    }

    /**
     * INT n and INTO are traced like exceptions, with a FUP at the instruction and a TIP to the
     * handler (SDM: software interrupts give the current instruction's address), not like other
     * far transfers.
     */
    private static boolean isSoftwareInterrupt(Instruction insn) {
        String m = insn.mnemonic();
        return m.equals("int") || m.equals("into");
    }

    /**
     * The interval around {@code time} in which no modification, and no region coming or going,
     * changes {@code [from, to)}. An uncertain window that contains {@code time} gives an empty
     * interval ending at the window's end, so that the block is rebuilt at every query inside it.
     */
    private long[] stableInterval(long from, long to, long time) {
        long lo = Long.MIN_VALUE;
        long hi = Long.MAX_VALUE;
        int len = (int) Math.min(Integer.MAX_VALUE, to - from);
        for (AppliedModification am : timeline.history(from, len)) {
            Switch s = am.modification().switching();
            if (s.end() <= time) {
                lo = Math.max(lo, s.end());
            } else if (s.start() > time) {
                hi = Math.min(hi, s.start());
            } else {
                return new long[] {time, time + 1};
            }
        }
        // Code announced at run time (BPF programs, trampolines) exists only while its region lives;
        // before and after, the same addresses are a gap or another region.
        for (Region r : timeline.regions()) {
            if (r.contains(from)) {
                if (r.from() > time) {
                    hi = Math.min(hi, r.from());
                } else if (r.to() <= time) {
                    lo = Math.max(lo, r.to());
                } else {
                    lo = Math.max(lo, r.from());
                    hi = Math.min(hi, r.to());
                }
            }
        }
        return new long[] {lo, hi};
    }
}
