package dev.textpoke.branches;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code perf script -F brstackinsn}'s text (perf 6.1), read back: per sample, its blocks in the
 * order printed, each a list of instructions (address and bytes); a block ends at a line with the
 * branch's {@code #} flags, the last block of a sample (the final one) at the sample's end. Symbol
 * lines are skipped, {@code mismatch} and {@code not reaching} lines are noted on their block.
 */
final class PerfBrstackinsnOutput {
    private static final Pattern INSN = Pattern.compile("^\\t([0-9a-f]{16})\\t(?:insn: ((?:[0-9a-f]{2} )*)|<bad>)\\s*(#.*)?$");

    record Insn(long address, String bytes) {}

    /**
     * @param ipc whether the jump line gives an IPC: every block but the oldest branch's does when
     *            the entry has cycles ({@code ip__fprintf_jump} with {@code insn} 0 prints none)
     */
    record Block(List<Insn> insns, boolean jump, boolean mismatch, boolean ipc) {}

    /** The samples, each its blocks; a sample starts with an empty line. */
    static List<List<Block>> parse(List<String> lines) {
        List<List<Block>> samples = new ArrayList<>();
        List<Block> blocks = null;
        List<Insn> current = new ArrayList<>();
        int blank = 0;
        for (String line : lines) {
            if (line.isEmpty()) {
                blank++;
                // A sample is "\n", its blocks, "\n": an empty line after blocks ends it.
                if (blocks != null && (!current.isEmpty() || !blocks.isEmpty())) {
                    if (!current.isEmpty()) {
                        blocks.add(new Block(current, false, false, false));
                    }
                    samples.add(blocks);
                    blocks = null;
                    current = new ArrayList<>();
                } else if (blocks == null) {
                    blocks = new ArrayList<>();
                }
                continue;
            }
            if (blocks == null) {
                blocks = new ArrayList<>();
            }
            Matcher m = INSN.matcher(line);
            if (m.matches()) {
                current.add(new Insn(Long.parseUnsignedLong(m.group(1), 16),
                        m.group(2) == null ? "<bad>" : m.group(2).replace(" ", "")));
                if (m.group(3) != null) {
                    blocks.add(new Block(current, true, false, m.group(3).contains(" IPC")));
                    current = new ArrayList<>();
                }
            } else if (line.contains("mismatch of LBR data and executable")) {
                blocks.add(new Block(current, false, true, false));
                current = new ArrayList<>();
            }
        }
        if (blocks != null && (!blocks.isEmpty() || !current.isEmpty())) {
            if (!current.isEmpty()) {
                blocks.add(new Block(current, false, false, false));
            }
            samples.add(blocks);
        }
        return samples;
    }
}
