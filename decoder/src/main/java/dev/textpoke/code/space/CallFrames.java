package dev.textpoke.code.space;

import dev.textpoke.code.unwind.CallFrameTable;
import dev.textpoke.code.unwind.UnwindAbi;
import dev.textpoke.code.unwind.UnwindRow;
import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ProgramHeader;
import dev.textpoke.elf.Section;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The call frame information of one mapped file, looked up by file offset (what a mapping gives):
 * its {@code .eh_frame}, else the {@code .debug_frame} of the file or of its separate debug file,
 * the order in which libdw tries them ({@code __libdwfl_frame_unwind}). Rows are cached by
 * address: a profile's samples fall on few distinct addresses.
 */
final class CallFrames {
    /** A file with no call frame information (or one that could not be read). */
    static final CallFrames NONE = new CallFrames(CallFrameTable.EMPTY, null, null, new long[0][], UnwindAbi.X86_64);
    /** Rows cached per file at most; past it, rows are computed each time. */
    private static final int MAX_CACHED = 1 << 16;

    private final CallFrameTable ehFrame;
    /** Where a {@code .debug_frame} may be: the file, then the debug file; read on first need. */
    private final Path file;
    private final Path debugFile;
    private CallFrameTable debugFrame;
    /** PT_LOAD segments: {offset, filesz, vaddr}. */
    private final long[][] loads;
    private final UnwindAbi abi;
    private final Map<Long, UnwindRow> rows = new HashMap<>();

    private CallFrames(CallFrameTable ehFrame, Path file, Path debugFile, long[][] loads, UnwindAbi abi) {
        this.ehFrame = ehFrame;
        this.file = file;
        this.debugFile = debugFile;
        this.loads = loads;
        this.abi = abi;
    }

    /** Reads {@code file}'s {@code .eh_frame} and program headers; {@link #NONE} when it has neither. */
    static CallFrames of(Path file, Path debugFile, UnwindAbi abi) {
        try (ElfFile elf = ElfFile.open(file)) {
            List<ProgramHeader> ph = elf.programHeaders().stream().filter(ProgramHeader::isLoad).toList();
            long[][] loads = new long[ph.size()][];
            for (int i = 0; i < loads.length; i++) {
                ProgramHeader p = ph.get(i);
                loads[i] = new long[] {p.offset(), p.filesz(), p.vaddr()};
            }
            CallFrameTable eh = table(elf, ".eh_frame", true);
            return new CallFrames(eh, file, debugFile, loads, abi);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    private static CallFrameTable table(ElfFile elf, String name, boolean ehFrame) throws IOException {
        Optional<Section> s = elf.section(name);
        if (s.isEmpty() || !s.get().hasFileBytes()) {
            return CallFrameTable.EMPTY;
        }
        return CallFrameTable.read(elf.contents(s.get()), elf.name(), s.get().offset(), s.get().addr(),
                elf.header().wordSize(), ehFrame);
    }

    /** The rules at file offset {@code offset}, or null. */
    UnwindRow rowAt(long offset) {
        long vaddr = vaddrOf(offset);
        if (vaddr == -1) {
            return null;
        }
        UnwindRow row = rows.get(vaddr);
        if (row != null) {
            return row;
        }
        try {
            row = row(ehFrame, vaddr);
            if (row == null) {
                row = row(debugFrame(), vaddr);
            }
        } catch (IOException e) {
            return null; // a damaged description: no rules here, as libdw would have none
        }
        if (row != null && rows.size() < MAX_CACHED) {
            rows.put(vaddr, row);
        }
        return row;
    }

    private UnwindRow row(CallFrameTable table, long vaddr) throws IOException {
        int i = table.find(vaddr);
        return i < 0 ? null : table.row(i, vaddr, abi.initialRules());
    }

    private CallFrameTable debugFrame() {
        if (debugFrame == null) {
            debugFrame = CallFrameTable.EMPTY;
            for (Path p : new Path[] {file, debugFile}) {
                if (p == null || debugFrame.size() > 0) {
                    continue;
                }
                try (ElfFile elf = ElfFile.open(p)) {
                    debugFrame = table(elf, ".debug_frame", false);
                } catch (IOException | RuntimeException e) {
                    // an unreadable file: no .debug_frame, as libdw would find none
                }
            }
        }
        return debugFrame;
    }

    /** The address a file offset is loaded at in the file's own layout, or -1 when no segment loads it. */
    private long vaddrOf(long offset) {
        for (long[] l : loads) {
            if (Long.compareUnsigned(offset - l[0], l[1]) < 0) {
                return offset - l[0] + l[2];
            }
        }
        return -1;
    }
}
