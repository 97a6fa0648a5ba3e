package dev.textpoke.arm64;

import dev.textpoke.elf.ElfFormatException;
import dev.textpoke.elf.ElfSymbol;
import dev.textpoke.elf.Relocation;
import dev.textpoke.elf.RelocationSection;
import dev.textpoke.elf.Section;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The ftrace call sites of an arm64 image, from the addresses GCC records for
 * {@code -fpatchable-function-entry} in {@code __patchable_function_entries} (in vmlinux the linker
 * script gathers them between {@code __start_mcount_loc} and {@code __stop_mcount_loc}).
 *
 * <p>Each recorded address starts the patch area; arch/arm64/include/asm/ftrace.h
 * {@code ftrace_call_adjust()} and arch/arm64/kernel/ftrace.c {@code ftrace_init_nop()} give the
 * layout: with {@code DYNAMIC_FTRACE_WITH_CALL_OPS} two pre-function NOPs (later a 64-bit literal
 * holding the ftrace_ops pointer: data, never executed) precede the function; then an optional
 * {@code BTI C}; then two NOPs. The layout is read from the image itself (is a function symbol at the
 * recorded address or 8 bytes after it; is there a BTI) rather than assumed.
 *
 * <p>Transitions: the first NOP becomes {@code MOV X9, LR} once, in {@code ftrace_init_nop()}, before
 * the code can run (load time: boot for vmlinux, {@code ftrace_module_init} for a module); the second
 * toggles NOP ↔ {@code BL <ftrace_caller or the module's ftrace PLT>} at run time through
 * {@code ftrace_modify_code} → {@code aarch64_insn_patch_text_nosync}, with no IPI. The BL target is
 * made reachable by construction ({@code ftrace_find_callable_addr}: ftrace_caller when within
 * 128 MiB, else the PLT in {@code .text.ftrace_trampoline} or {@code .init.text.ftrace_trampoline}).
 */
final class FtraceSites {
    private static final int R_AARCH64_ABS64 = 257, R_AARCH64_RELATIVE = 1027;

    private FtraceSites() {}

    /** Counts what was found besides the patches. */
    /**
     * @param skipped recorded addresses that point at no code in the file (vmlinux only: entries the
     *                linker left zero without a relocation, i.e. of functions discarded at link time)
     */
    record Result(List<Patch> patches, int functions, int callOpsLiterals, int skipped) {}

    static Result read(Arm64Image image) throws ElfFormatException {
        int[] skipped = new int[1];
        List<Arm64Image.Place> recorded = image.isModule() ? moduleEntries(image) : linkedEntries(image, skipped);
        List<Patch> out = new ArrayList<>();
        int literals = 0;
        for (Arm64Image.Place a : recorded) {
            Section sec = image.elf().sections().get(a.section());
            long off = offsetInSection(image, a);
            long funcOff = off;
            boolean callOps = false;
            if (image.functionAt(a) == null && image.functionAt(shift(a, 8)) != null
                    && image.word(a.section(), off) == A64Words.NOP
                    && image.word(a.section(), off + 4) == A64Words.NOP) {
                callOps = true;
                funcOff = off + 8;
                literals++;
            }
            long slot = funcOff;
            int first = image.word(a.section(), slot);
            if (isBti(first)) {
                slot += 4;
            }
            Arm64Image.Place movPlace = shift(a, slot - off);
            Arm64Image.Place blPlace = shift(a, slot - off + 4);
            String func = image.symbolize(shift(a, funcOff - off));
            if (func != null && func.contains("+0x") && image.functionAt(shift(a, -4)) != null) {
                func = image.functionAt(shift(a, -4)); // =2 with BTI: recorded after the BTI C
            }
            boolean btiBefore = !callOps && off >= 4 && image.functionAt(shift(a, -4)) != null
                    && isBti(image.word(a.section(), off - 4));
            String layout = (callOps ? "CALL_OPS literal, " : "") + (slot != funcOff || btiBefore ? "BTI, " : "")
                    + "2 NOPs";
            out.add(initPatch(image, sec, movPlace, slot, func, layout));
            out.addAll(callPatches(image, sec, blPlace, slot + 4, func, layout));
        }
        return new Result(out, recorded.size(), literals, skipped[0]);
    }

    private static boolean isBti(int word) {
        return word == A64Words.BTI_C || word == A64Words.BTI_JC;
    }

    private static Patch initPatch(Arm64Image image, Section sec, Arm64Image.Place p, long off, String func,
            String layout) throws ElfFormatException {
        int word = image.word(sec.index(), off);
        List<Finding> findings = new ArrayList<>();
        expectNop(word, findings);
        return new Patch(image.path().toString(), p.regionName(), p.address(), sec.name(), off,
                image.symbolize(p), PatchKind.FTRACE, List.of(word), List.of(A64Words.MOV_X9_LR), false, Visibility.LOCAL,
                OptionalLong.empty(), Patch.Reach.NOT_APPLICABLE, findings,
                "ftrace_init_nop in " + func + " (" + layout + "): load time, before the code can run");
    }

    /** NOP -> BL when tracing starts, BL -> NOP when it stops; both at run time. */
    private static List<Patch> callPatches(Arm64Image image, Section sec, Arm64Image.Place p, long off, String func,
            String layout) throws ElfFormatException {
        int word = image.word(sec.index(), off);
        List<Finding> findings = new ArrayList<>();
        expectNop(word, findings);
        Arm64Image.Place target = callTarget(image, p);
        int bl;
        OptionalLong t = OptionalLong.empty();
        Patch.Reach reach = Patch.Reach.NOT_APPLICABLE;
        String to;
        if (target != null && target.sameRegion(p)) {
            bl = A64Words.branch(p.address(), target.address(), true).orElse(A64Words.BREAK_FAULT);
            t = OptionalLong.of(target.address());
            reach = A64Words.reachable(p.address(), target.address()) ? Patch.Reach.IN_RANGE
                    : Patch.Reach.OUT_OF_RANGE;
            to = image.isModule() ? image.elf().sections().get(target.section()).name() : "ftrace_caller";
        } else {
            bl = 0x94000000; // BL with the offset the kernel picks at load; its class is what matters here
            to = "ftrace_caller or the module's ftrace PLT (offset decided at load)";
        }
        String what = "ftrace call site of " + func + " (" + layout + "): BL " + to;
        Patch on = new Patch(image.path().toString(), p.regionName(), p.address(), sec.name(), off,
                image.symbolize(p), PatchKind.FTRACE, List.of(word), List.of(bl), true, Visibility.LOCAL, t, reach,
                findings, what + " when tracing starts (BL -> BL when retargeted)");
        Patch off2 = new Patch(image.path().toString(), p.regionName(), p.address(), sec.name(), off,
                image.symbolize(p), PatchKind.FTRACE, List.of(bl), List.of(A64Words.NOP), true, Visibility.LOCAL, t,
                reach, List.of(), what + " removed when tracing stops");
        return List.of(on, off2);
    }

    private static void expectNop(int word, List<Finding> findings) {
        if (word != A64Words.NOP) {
            findings.add(new Finding(CmodxRule.OLD_WORD, String.format(
                    "the patch slot holds %08x (%s), not the NOP ftrace expects", word,
                    A64Class.of(word).manualName())));
        }
    }

    /** ftrace_caller in vmlinux; in a module, its ftrace PLT for the region of the site. */
    private static Arm64Image.Place callTarget(Arm64Image image, Arm64Image.Place site) {
        if (!image.isModule()) {
            ElfSymbol s = image.symbolNamed("ftrace_caller");
            return s == null ? null : new Arm64Image.Place(null, s.value(), s.section());
        }
        String name = site.region() == ModuleLayout.Region.MOD_INIT_TEXT
                ? ".init.text.ftrace_trampoline" : ".text.ftrace_trampoline";
        Section s = image.elf().section(name).orElse(null);
        return s == null ? null : image.place(s.index(), 0);
    }

    private static Arm64Image.Place shift(Arm64Image.Place p, long by) {
        return new Arm64Image.Place(p.region(), p.address() + by, p.section());
    }

    private static long offsetInSection(Arm64Image image, Arm64Image.Place p) {
        if (image.isModule()) {
            return p.address() - image.layout().placement(p.section()).offset();
        }
        return p.address() - image.elf().sections().get(p.section()).addr();
    }

    private static List<Arm64Image.Place> moduleEntries(Arm64Image image) throws ElfFormatException {
        Section table = image.elf().section("__patchable_function_entries").orElse(null);
        if (table == null) {
            return List.of();
        }
        Map<Long, Relocation> relocs = image.relocations(table.index());
        List<Arm64Image.Place> out = new ArrayList<>();
        for (long off = 0; off + 8 <= table.size(); off += 8) {
            Relocation r = relocs.get(off);
            Arm64Image.Place p = r == null || r.type() != R_AARCH64_ABS64 ? null : image.resolve(r);
            if (p == null) {
                throw new ElfFormatException(image.elf().name(), table.offset() + off,
                        ElfFormatException.Kind.BAD_RELOCATION, "__patchable_function_entries slot "
                                + off / 8 + " has no R_AARCH64_ABS64 relocation into this module");
            }
            out.add(p);
        }
        return out;
    }

    /**
     * vmlinux: the 64-bit addresses between __start_mcount_loc and __stop_mcount_loc. A relocatable
     * kernel (CONFIG_RELOCATABLE, linked with --no-apply-dynamic-relocs) leaves them zero in the file
     * and carries each as the addend of an R_AARCH64_RELATIVE relocation in .rela.dyn.
     */
    private static List<Arm64Image.Place> linkedEntries(Arm64Image image, int[] skipped)
            throws ElfFormatException {
        ElfSymbol start = image.symbolNamed("__start_mcount_loc");
        ElfSymbol stop = image.symbolNamed("__stop_mcount_loc");
        if (start == null || stop == null) {
            return List.of();
        }
        Map<Long, Long> relative = new HashMap<>();
        for (RelocationSection rs : image.elf().relocationSections()) {
            if (!rs.isRela()) {
                continue;
            }
            for (Relocation r : image.elf().relocations(rs)) {
                if (r.type() == R_AARCH64_RELATIVE) {
                    relative.put(r.offset(), r.addend());
                }
            }
        }
        List<Arm64Image.Place> out = new ArrayList<>();
        for (long a = start.value(); Long.compareUnsigned(a + 8, stop.value()) <= 0; a += 8) {
            int sec = image.sectionAt(a);
            if (sec < 0) {
                throw new ElfFormatException(image.elf().name(), -1, ElfFormatException.Kind.OUT_OF_BOUNDS,
                        "mcount_loc entry at 0x" + Long.toHexString(a) + " is in no section with file bytes");
            }
            Section s = image.elf().sections().get(sec);
            ByteBuffer b = image.elf().read(s.offset() + (a - s.addr()), 8, "mcount_loc entry");
            long value = b.getLong(0);
            if (value == 0) {
                value = relative.getOrDefault(a, 0L);
            }
            int codeSec = image.sectionAt(value);
            if (value == 0 || codeSec < 0) {
                skipped[0]++;
                continue;
            }
            out.add(new Arm64Image.Place(null, value, codeSec));
        }
        return out;
    }
}
