package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.elf.ElfFile;
import dev.textpoke.elf.ProgramHeader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The call instructions of a program or library as binutils' {@code objdump -d} disassembles
 * them: an independent check of a call chain, whose every caller frame must sit just before a
 * return address, that is, right after a call, and whose direct calls must go to the callee's
 * function (or to a PLT stub, for a call into another file).
 */
final class CallSites {
    /** A call ending at a return address: its target, or -1 when indirect; whether the target is a PLT stub. */
    record Call(long target, boolean plt) {}

    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t(\\S+)\\s*(.*)$");
    private static final Pattern DIRECT = Pattern.compile("^([0-9a-f]+) <([^>]*)>");
    private static final Map<Path, CallSites> CACHE = new HashMap<>();

    /** Calls by the address of the instruction after them (the return address). */
    private final Map<Long, Call> byReturn = new HashMap<>();
    /** Direct unconditional jumps: address -> target. */
    private final TreeMap<Long, Long> jumps = new TreeMap<>();
    /** PT_LOAD segments: offset -> {vaddr - offset, filesz}. */
    private final TreeMap<Long, long[]> loads = new TreeMap<>();

    static synchronized CallSites of(Path file) throws Exception {
        CallSites c = CACHE.get(file);
        if (c == null) {
            c = new CallSites(file);
            CACHE.put(file, c);
        }
        return c;
    }

    private CallSites(Path file) throws Exception {
        try (ElfFile elf = ElfFile.open(file)) {
            for (ProgramHeader p : elf.programHeaders()) {
                if (p.isLoad()) {
                    loads.put(p.offset(), new long[] {p.vaddr() - p.offset(), p.filesz()});
                }
            }
        }
        Process p = new ProcessBuilder("objdump", "-d", "-w", "--no-show-raw-insn", file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "objdump");
        Call pending = null;
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long at = Long.parseUnsignedLong(m.group(1), 16);
            if (pending != null) {
                byReturn.put(at, pending); // the next instruction's address is the call's return address
                pending = null;
            }
            if (m.group(2).equals("jmp")) {
                Matcher d = DIRECT.matcher(m.group(3));
                if (d.find()) {
                    jumps.put(at, Long.parseUnsignedLong(d.group(1), 16));
                }
            }
            if (m.group(2).startsWith("call")) {
                Matcher d = DIRECT.matcher(m.group(3));
                pending = d.find() ? new Call(Long.parseUnsignedLong(d.group(1), 16), d.group(2).contains("@plt"))
                        : new Call(-1, false);
            }
        }
    }

    /** The call whose return address is file offset {@code returnOffset}, or null when none ends there. */
    Call callReturningTo(long returnOffset) {
        Map.Entry<Long, long[]> l = loads.floorEntry(returnOffset);
        long vaddr = l != null && returnOffset - l.getKey() <= l.getValue()[1] ? returnOffset + l.getValue()[0] : returnOffset;
        return byReturn.get(vaddr);
    }

    /**
     * Whether the function at {@code function} tail-calls {@code target}: a direct jump to it among
     * its first bytes (a wrapper such as the C library's {@code __cxa_atexit}).
     */
    boolean tailJumps(long function, long target) {
        return jumps.subMap(function, function + 64).containsValue(target);
    }

    /** The address in the file's own layout of a file offset. */
    long vaddrOf(long offset) {
        Map.Entry<Long, long[]> l = loads.floorEntry(offset);
        return l != null && offset - l.getKey() < l.getValue()[1] ? offset + l.getValue()[0] : offset;
    }
}
