package dev.textpoke.cli.format;

import dev.textpoke.branches.AddressNames;
import dev.textpoke.branches.Branch;
import dev.textpoke.branches.BranchSample;
import dev.textpoke.branches.BranchSummary;
import dev.textpoke.branches.BranchType;
import dev.textpoke.branches.DamagedStack;
import dev.textpoke.branches.RangeKind;
import dev.textpoke.branches.RangeResult;
import dev.textpoke.branches.Walk;
import dev.textpoke.branches.WalkedRange;
import dev.textpoke.branches.WalkedStack;
import dev.textpoke.code.SymbolOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * JSON Lines of {@code textpoke branches --json}: an object per sample with its entries (every
 * field of {@code struct perf_branch_entry}), or with {@code --insns} an object per instruction of
 * every range, oldest first; an object per damaged stack; the summary as one object.
 */
public final class BranchJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private final AddressNames names;

    /**
     * @param names names the entries' addresses as the text does (a walk's instructions are named
     *              by the code it was read from, {@code Walk.origin})
     */
    public BranchJson(AddressNames names) {
        this.names = names;
    }

    /** One object per sample: where, when, the mode, hw_idx and the entries, newest first. */
    public String sample(WalkedStack w, String comm, String event) {
        BranchSample s = w.sample();
        JsonLine j = new JsonLine().put("sample", s.index()).put("offset", s.offset()).put("comm", comm)
                .put("pid", s.pid()).put("tid", s.tid()).put("cpu", s.cpu());
        if (s.hasTime()) {
            j.putUnsigned("time", s.time());
        } else {
            j.putNull("time");
        }
        j.put("event", event).putHex("ip", s.ip()).put("mode", s.mode().name().toLowerCase(Locale.ROOT));
        if (s.hwIdx() != -1) {
            j.put("hw_idx", s.hwIdx());
        }
        if (w.notWalked() != null) {
            j.put("not_walked", w.notWalked().name().toLowerCase(Locale.ROOT));
        }
        RangeResult[] byEntry = new RangeResult[s.size()];
        for (WalkedRange r : w.ranges()) {
            if (r.kind() != RangeKind.FINAL) {
                byEntry[r.entry()] = r.result();
            }
        }
        List<JsonLine> entries = new ArrayList<>(s.size());
        long sampleTime = s.hasTime() ? s.time() : Long.MAX_VALUE;
        for (int i = 0; i < s.size(); i++) {
            Branch b = s.branches().get(i);
            JsonLine e = new JsonLine().putHex("from", b.from()).putHex("to", b.to())
                    .put("from_sym", BranchText.entryName(names, s, byEntry[i], b.from(), sampleTime)
                            .map(SymbolOffset::toString).orElse(null))
                    .put("to_sym", BranchText.entryName(names, s, byEntry[i], b.to(), sampleTime)
                            .map(SymbolOffset::toString).orElse(null))
                    .put("mispred", b.mispredicted()).put("predicted", b.predicted())
                    .put("in_tx", b.inTransaction()).put("abort", b.abort()).put("cycles", b.cycles())
                    .put("type", b.type().perfName())
                    .put("new_type", b.type() == BranchType.EXTEND_ABI ? b.newType().perfName() : null)
                    .put("spec", b.spec().perfName()).put("priv", b.priv().name().toLowerCase(Locale.ROOT))
                    .put("kind", BranchText.kind(byEntry[i], b.to()));
            if (b.hasCounter()) {
                e.putHex("counters", b.counter());
            }
            entries.add(e);
        }
        j.put("entries", entries); // as perf_branch_stack names them ("branches" is a map of counts in decode's summary)
        return j.toString();
    }

    /**
     * One object per instruction of every range, oldest first: {@code sample}, {@code cpu},
     * {@code time}, {@code ip}, {@code bytes}, {@code ambiguous}, and the range's number, kind and
     * findings, the instruction's disassembly.
     */
    public void instructions(WalkedStack w, Consumer<String> out) {
        BranchSample s = w.sample();
        int n = 0;
        for (WalkedRange r : w.ranges()) {
            RangeResult x = r.result();
            Walk walk = x.walk();
            String kind = r.kind().name().toLowerCase(Locale.ROOT);
            String status = x.status().name().toLowerCase(Locale.ROOT);
            for (int i = 0; i < walk.size(); i++) {
                var insn = walk.instruction(i);
                StringBuilder bytes = new StringBuilder(2 * insn.length());
                for (int k = 0; k < insn.length(); k++) {
                    int v = walk.byteAt(i, k);
                    bytes.append(HEX[v >> 4]).append(HEX[v & 15]);
                }
                JsonLine j = new JsonLine().put("sample", s.index()).put("cpu", s.cpu());
                if (s.hasTime()) {
                    j.putUnsigned("time", s.time());
                } else {
                    j.putNull("time");
                }
                long t = walk.readTime();
                j.putHex("ip", insn.address()).put("bytes", bytes.toString()).put("ambiguous", x.ambiguous())
                        .put("range", n).put("kind", kind).put("status", status)
                        .put("crossing", x.crossing()).put("corrected", x.corrected())
                        .put("insn", CodeText.text(insn, a -> walk.origin().names().at(a, t)));
                out.accept(j.toString());
                if (insn.address() == r.end() && r.kind() != RangeKind.FINAL) {
                    break;
                }
            }
            n++;
        }
    }

    public static String damaged(DamagedStack d) {
        return new JsonLine().put("sample", d.index()).put("offset", d.offset())
                .put("damaged", d.problem().problem()).put("at", d.problem().offset()).toString();
    }

    public static String summary(BranchSummary s) {
        // Counts are named for what they count: "crossing", "corrected", "ambiguous" and "damaged"
        // are an instruction's flags and a damaged stack's problem elsewhere (docs/json.md: one
        // JSON type per field name).
        return new JsonLine().put("samples", s.samples()).put("damaged_stacks", s.damagedStacks())
                .put("call_stack_stacks", s.callStackStacks()).put("filtered_stacks", s.filteredStacks())
                .put("empty_stacks", s.emptyStacks()).put("inconsistent_stacks", s.inconsistentStacks())
                .put("ranges", s.ranges()).put("crossing_ranges", s.crossing())
                .put("corrected_ranges", s.corrected()).put("ambiguous_ranges", s.ambiguous())
                .put("inconsistent_ranges", s.inconsistent()).put("unknown_ranges", s.unknown()).toString();
    }
}
