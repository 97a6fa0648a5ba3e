package dev.textpoke.arm64;

import dev.textpoke.io.InputFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads a file of patches, one per line:
 *
 * <pre>
 * # ADDRESS  OLD  NEW  [VISIBILITY]  [runtime|load]
 * ffff800080123450  d503201f  14000010  ipi
 * ffff800080123454  d503201f  bl:ffff800080200000  local  load
 * </pre>
 *
 * ADDRESS is hex (with or without {@code 0x}). OLD and NEW are instruction words in hex, eight
 * digits each, several words joined with commas for a multi-word patch; or {@code b:ADDR} /
 * {@code bl:ADDR} for a B or BL to ADDR, encoded here (an unreachable ADDR is reported, not
 * rejected). VISIBILITY is one of none, local, ipi, stop_machine, membarrier (default none);
 * the last field says whether the code is live when patched (default runtime). {@code #} starts a
 * comment.
 */
public final class PatchFile {
    private PatchFile() {}

    public static List<Patch> read(Path path) throws IOException {
        String source = path.toString();
        byte[] bytes = Files.readAllBytes(path);
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<Patch> out = new ArrayList<>();
        long offset = 0;
        for (String raw : text.split("\n", -1)) {
            long lineOffset = offset;
            offset += raw.getBytes(StandardCharsets.UTF_8).length + 1;
            String line = raw;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            out.add(parse(line, source, lineOffset));
        }
        return out;
    }

    private static Patch parse(String line, String source, long at) throws InputFormatException {
        String[] f = line.split("\\s+");
        if (f.length < 3 || f.length > 5) {
            throw new InputFormatException(source, at, "expected ADDRESS OLD NEW [VISIBILITY] [runtime|load],"
                    + " found " + f.length + " fields");
        }
        long address = hex(f[0], "address", source, at);
        Visibility visibility = Visibility.NONE;
        boolean runtime = true;
        for (int i = 3; i < f.length; i++) {
            String v = f[i].toLowerCase(Locale.ROOT);
            if (v.equals("runtime") || v.equals("load")) {
                runtime = v.equals("runtime");
            } else {
                try {
                    visibility = Visibility.parse(v);
                } catch (IllegalArgumentException e) {
                    throw new InputFormatException(source, at, e.getMessage());
                }
            }
        }
        List<Integer> oldWords = new ArrayList<>();
        List<Integer> newWords = new ArrayList<>();
        OptionalLong target = OptionalLong.empty();
        Patch.Reach reach = Patch.Reach.NOT_APPLICABLE;
        OptionalLong oldTarget = words(f[1], address, oldWords, source, at);
        OptionalLong newTarget = words(f[2], address, newWords, source, at);
        if (newTarget.isPresent()) {
            target = newTarget;
            reach = A64Words.reachable(address, newTarget.getAsLong()) ? Patch.Reach.IN_RANGE
                    : Patch.Reach.OUT_OF_RANGE;
        } else if (oldTarget.isPresent()) {
            target = oldTarget;
            reach = A64Words.reachable(address, oldTarget.getAsLong()) ? Patch.Reach.IN_RANGE
                    : Patch.Reach.OUT_OF_RANGE;
        }
        return new Patch(source, null, address, null, -1, null, PatchKind.PATCH, oldWords, newWords, runtime,
                visibility, target, reach, List.of(), "line at byte " + at);
    }

    /** Parses a word list or a b:/bl: branch into {@code out}; returns the branch target if one was given. */
    private static OptionalLong words(String field, long address, List<Integer> out, String source, long at)
            throws InputFormatException {
        String f = field.toLowerCase(Locale.ROOT);
        if (f.startsWith("b:") || f.startsWith("bl:")) {
            boolean link = f.startsWith("bl:");
            long to = hex(f.substring(link ? 3 : 2), "branch target", source, at);
            OptionalInt w = A64Words.branch(address & ~3L, to, link);
            out.add(w.orElse(A64Words.BREAK_FAULT));
            return OptionalLong.of(to);
        }
        for (String part : f.split(",")) {
            if (part.length() != 8) {
                throw new InputFormatException(source, at, "instruction word '" + part
                        + "' is not 8 hex digits (words are written as 32-bit numbers, e.g. d503201f)");
            }
            out.add((int) hex(part, "instruction word", source, at));
        }
        return OptionalLong.empty();
    }

    private static long hex(String s, String what, String source, long at) throws InputFormatException {
        String digits = s.startsWith("0x") ? s.substring(2) : s;
        try {
            if (digits.isEmpty() || digits.length() > 16) {
                throw new NumberFormatException();
            }
            return Long.parseUnsignedLong(digits, 16);
        } catch (NumberFormatException e) {
            throw new InputFormatException(source, at, what + " '" + s + "' is not a hex number");
        }
    }
}
