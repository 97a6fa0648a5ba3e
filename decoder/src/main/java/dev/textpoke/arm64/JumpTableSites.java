package dev.textpoke.arm64;

import dev.textpoke.elf.ElfFormatException;
import dev.textpoke.elf.ElfSymbol;
import dev.textpoke.elf.Relocation;
import dev.textpoke.elf.Section;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The static-key sites of an arm64 image: the entries of {@code __jump_table}, each
 * {@code struct jump_entry { s32 code; s32 target; long key; }} with every field relative to its
 * own address (arch/arm64/include/asm/jump_label.h, {@code JUMP_TABLE_ENTRY}: ".long 1b - ., label -
 * ." then ".quad key - ."; bit 0 of the key is the entry's branch flag). In a module the fields are
 * zero and carried by R_AARCH64_PREL32/PREL64 relocations, which are applied here.
 *
 * <p>What the two key states install (kernel/jump_label.c {@code jump_label_type()} = enabled ^
 * branch; arch/arm64/kernel/jump_label.c): JUMP_LABEL_JMP writes {@code B target}
 * ({@code aarch64_insn_gen_branch_imm}, NOLINK), JUMP_LABEL_NOP writes NOP
 * ({@code aarch64_insn_gen_nop}). The compiler emits the instruction of the key's initial state
 * ({@code arch_static_branch}: NOP, {@code arch_static_branch_jump}: B), so the site holds one of the
 * two and a toggle installs the other, with {@code aarch64_insn_patch_text_nosync} per site and one
 * {@code kick_all_cpus_sync()} per batch ({@code arch_jump_label_transform_apply}).
 */
final class JumpTableSites {
    /** sizeof(struct jump_entry) on arm64 with CONFIG_HAVE_ARCH_JUMP_LABEL_RELATIVE. */
    static final int ENTRY_SIZE = 16;
    private static final int R_AARCH64_PREL64 = 260, R_AARCH64_PREL32 = 261, R_AARCH64_JUMP26 = 282;

    private JumpTableSites() {}

    /** A site found in the table, before it becomes a patch. */
    record Entry(Arm64Image.Place site, long siteOffset, Arm64Image.Place target, String key, boolean branch,
            long entryFileOffset) {}

    /** Two patches per site (away from the compiled word and back), and the number of sites. */
    record Result(List<Patch> patches, int sites) {}

    static Result read(Arm64Image image) throws ElfFormatException {
        List<Entry> entries = image.isModule() ? moduleEntries(image) : linkedEntries(image);
        List<Patch> out = new ArrayList<>(2 * entries.size());
        for (Entry e : entries) {
            out.addAll(patches(image, e));
        }
        return new Result(out, entries.size());
    }

    private static List<Entry> moduleEntries(Arm64Image image) throws ElfFormatException {
        Section table = image.elf().section("__jump_table").orElse(null);
        if (table == null) {
            return List.of();
        }
        Map<Long, Relocation> relocs = image.relocations(table.index());
        List<Entry> out = new ArrayList<>();
        for (long off = 0; off + ENTRY_SIZE <= table.size(); off += ENTRY_SIZE) {
            long at = table.offset() + off;
            Relocation code = require(image, relocs, off, R_AARCH64_PREL32, "code", at);
            Relocation target = require(image, relocs, off + 4, R_AARCH64_PREL32, "target", at);
            Relocation key = require(image, relocs, off + 8, R_AARCH64_PREL64, "key", at);
            ElfSymbol codeSym = image.symbol(code.symbol());
            Arm64Image.Place site = image.resolve(code);
            Arm64Image.Place to = image.resolve(target);
            if (site == null || to == null || !image.elf().sections().get(codeSym.section()).isExecutable()) {
                throw new ElfFormatException(image.elf().name(), at, ElfFormatException.Kind.BAD_RELOCATION,
                        "__jump_table entry " + off / ENTRY_SIZE + " does not point into this module's code");
            }
            ElfSymbol keySym = image.symbol(key.symbol());
            long keyValue = (keySym.inSection() ? keySym.value() : 0) + key.addend();
            String keyName = keySym.type() == ElfSymbol.STT_SECTION
                    ? image.elf().sections().get(keySym.section()).name() : keySym.name();
            long keyOffset = key.addend() & ~1L;
            out.add(new Entry(site, codeSym.value() + code.addend(), to,
                    keyName + (keyOffset == 0 ? "" : "+0x" + Long.toHexString(keyOffset)),
                    (keyValue & 1) != 0, at));
        }
        return out;
    }

    private static Relocation require(Arm64Image image, Map<Long, Relocation> relocs, long off, int type,
            String field, long at) throws ElfFormatException {
        Relocation r = relocs.get(off);
        if (r == null || r.type() != type || image.symbol(r.symbol()) == null) {
            throw new ElfFormatException(image.elf().name(), at, ElfFormatException.Kind.BAD_RELOCATION,
                    "__jump_table entry " + off / ENTRY_SIZE + " has no R_AARCH64_" + (type == R_AARCH64_PREL64
                            ? "PREL64" : "PREL32") + " relocation for its " + field + " field");
        }
        return r;
    }

    private static List<Entry> linkedEntries(Arm64Image image) throws ElfFormatException {
        ElfSymbol start = image.symbolNamed("__start___jump_table");
        ElfSymbol stop = image.symbolNamed("__stop___jump_table");
        if (start == null || stop == null) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        for (long a = start.value(); Long.compareUnsigned(a + ENTRY_SIZE, stop.value()) <= 0; a += ENTRY_SIZE) {
            int sec = image.sectionAt(a);
            if (sec < 0) {
                throw new ElfFormatException(image.elf().name(), -1, ElfFormatException.Kind.OUT_OF_BOUNDS,
                        "__jump_table entry at 0x" + Long.toHexString(a) + " is in no section with file bytes");
            }
            Section s = image.elf().sections().get(sec);
            long fileAt = s.offset() + (a - s.addr());
            ByteBuffer b = image.elf().read(fileAt, ENTRY_SIZE, "__jump_table entry");
            long siteAddr = a + b.getInt(0);
            long targetAddr = a + 4 + b.getInt(4);
            long keyAddr = a + 8 + b.getLong(8);
            int siteSec = image.sectionAt(siteAddr);
            if (siteSec < 0) {
                throw new ElfFormatException(image.elf().name(), fileAt, ElfFormatException.Kind.OUT_OF_BOUNDS,
                        "__jump_table entry points to 0x" + Long.toHexString(siteAddr) + ", outside the image");
            }
            Arm64Image.Place site = new Arm64Image.Place(null, siteAddr, siteSec);
            Arm64Image.Place to = new Arm64Image.Place(null, targetAddr, image.sectionAt(targetAddr));
            out.add(new Entry(site, siteAddr - image.elf().sections().get(siteSec).addr(), to,
                    "0x" + Long.toHexString(keyAddr & ~1L), (keyAddr & 1) != 0, fileAt));
        }
        return out;
    }

    /** The toggle away from the compiled word and the toggle back: both are runtime patches. */
    private static List<Patch> patches(Arm64Image image, Entry e) throws ElfFormatException {
        int fileWord = image.word(e.site().section(), e.siteOffset());
        List<Finding> findings = new ArrayList<>();
        A64Class cls = A64Class.of(fileWord);
        boolean sameRegion = e.site().sameRegion(e.target());
        Patch.Reach reach = !sameRegion ? Patch.Reach.UNKNOWN
                : A64Words.reachable(e.site().address(), e.target().address()) ? Patch.Reach.IN_RANGE
                : Patch.Reach.OUT_OF_RANGE;
        OptionalInt b = sameRegion ? A64Words.branch(e.site().address(), e.target().address(), false)
                : OptionalInt.empty();
        int branchWord = b.orElse(A64Words.BREAK_FAULT);
        int other;
        String compiled;
        if (cls == A64Class.NOP) {
            other = branchWord;
            compiled = "nop";
        } else if (cls == A64Class.B) {
            other = A64Words.NOP;
            compiled = "b";
            checkCompiledBranch(image, e, fileWord, findings);
            fileWord = b.isPresent() ? branchWord : fileWord; // the word as loaded, relocation applied
        } else {
            other = A64Words.NOP;
            compiled = cls.manualName();
            findings.add(new Finding(CmodxRule.OLD_WORD, String.format(
                    "the site holds %08x (%s), neither NOP nor B", fileWord, cls.manualName())));
        }
        String key = "key " + e.key() + (e.branch() ? " (branch)" : "") + "; compiled " + compiled;
        String section = image.elf().sections().get(e.site().section()).name();
        String symbol = image.symbolize(e.site());
        OptionalLong target = OptionalLong.of(e.target().address());
        Patch away = new Patch(image.path().toString(), e.site().regionName(), e.site().address(), section,
                e.siteOffset(), symbol, PatchKind.JUMP_LABEL, List.of(fileWord), List.of(other), true,
                Visibility.IPI, target, reach, findings, key + "; the other key state installs "
                        + (other == A64Words.NOP ? "NOP" : "B") + " (also at load, before the code runs, when"
                        + " the key's state differs from its default)");
        Patch back = new Patch(image.path().toString(), e.site().regionName(), e.site().address(), section,
                e.siteOffset(), symbol, PatchKind.JUMP_LABEL, List.of(other), List.of(fileWord), true,
                Visibility.IPI, target, reach, List.of(), key + "; toggling back restores the compiled word");
        return List.of(away, back);
    }

    /**
     * A compiled B must go to the entry's target: either resolved by the assembler (same section) or
     * carried by an R_AARCH64_JUMP26 relocation (label in another section).
     */
    private static void checkCompiledBranch(Arm64Image image, Entry e, int word, List<Finding> findings)
            throws ElfFormatException {
        Arm64Image.Place actual;
        Relocation r = image.isModule() ? image.relocations(e.site().section()).get(e.siteOffset()) : null;
        if (r != null && r.type() == R_AARCH64_JUMP26) {
            actual = image.resolve(r);
        } else {
            actual = new Arm64Image.Place(e.site().region(), A64Words.target(word, e.site().address()),
                    e.site().section());
        }
        if (actual == null || actual.region() != e.target().region()
                || actual.address() != e.target().address()) {
            findings.add(new Finding(CmodxRule.BRANCH_TARGET, String.format(
                    "the compiled B goes to 0x%x, not to the entry's target 0x%x",
                    actual == null ? 0 : actual.address(), e.target().address())));
        }
    }
}
