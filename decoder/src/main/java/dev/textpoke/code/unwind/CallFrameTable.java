package dev.textpoke.code.unwind;

import dev.textpoke.io.InputFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The frame descriptions of one {@code .eh_frame} or {@code .debug_frame} section, indexed by the
 * addresses they cover (DWARF 5 section 6.4; the LSB's {@code .eh_frame}, whose CIE id is 0 and
 * whose CIE pointers are relative, with pointer encodings from the CIE's augmentation). The
 * section is read once, when the table is made; {@link #row} runs the instructions of the
 * description covering an address.
 */
public final class CallFrameTable {
    /** A table with no descriptions. */
    public static final CallFrameTable EMPTY = new CallFrameTable(ByteBuffer.allocate(0), "", 0, 0, new long[0],
            new long[0], new int[0], new int[0], new CommonInfo[0], 8);

    private final ByteBuffer bytes;
    private final String source;
    private final long fileOffset;
    private final long sectionAddress;
    private final long[] starts;
    private final long[] ends;
    /** Where each description's instructions start and end in the section. */
    private final int[] programs;
    private final int[] programEnds;
    private final CommonInfo[] cies;
    private final int addressSize;

    private CallFrameTable(ByteBuffer bytes, String source, long fileOffset, long sectionAddress, long[] starts,
            long[] ends, int[] programs, int[] programEnds, CommonInfo[] cies, int addressSize) {
        this.bytes = bytes;
        this.source = source;
        this.fileOffset = fileOffset;
        this.sectionAddress = sectionAddress;
        this.starts = starts;
        this.ends = ends;
        this.programs = programs;
        this.programEnds = programEnds;
        this.cies = cies;
        this.addressSize = addressSize;
    }

    /** How many frame descriptions the section has. */
    public int size() {
        return starts.length;
    }

    /**
     * Reads a section.
     *
     * @param bytes          the section's bytes (index 0 is its first byte), in the file's byte order
     * @param source         the file's name, for errors
     * @param fileOffset     where the section is in the file, for errors
     * @param sectionAddress its address when loaded ({@code sh_addr}), base of pc-relative pointers
     * @param addressSize    4 or 8
     * @param ehFrame        whether it is {@code .eh_frame} (else {@code .debug_frame})
     * @throws InputFormatException where an entry is damaged
     */
    public static CallFrameTable read(ByteBuffer bytes, String source, long fileOffset, long sectionAddress,
            int addressSize, boolean ehFrame) throws InputFormatException {
        DwarfReader r = new DwarfReader(bytes, source, fileOffset, sectionAddress, addressSize);
        Map<Integer, CommonInfo> cieAt = new HashMap<>();
        List<long[]> fdes = new ArrayList<>();
        List<CommonInfo> fdeCies = new ArrayList<>();
        while (r.pos < r.limit()) {
            int entry = r.pos;
            long length = r.u32();
            if (length == 0) {
                if (ehFrame) {
                    break; // the zero terminator
                }
                continue;
            }
            boolean dwarf64 = length == 0xffffffffL;
            if (dwarf64) {
                length = r.u64();
            }
            int idAt = r.pos;
            if (length < 0 || length > r.limit() - idAt) {
                throw r.error(entry, "entry of " + Long.toUnsignedString(length) + " bytes runs past the section");
            }
            int end = idAt + (int) length;
            long id = dwarf64 ? r.u64() : r.u32();
            boolean isCie = ehFrame ? id == 0 : id == (dwarf64 ? -1L : 0xffffffffL);
            if (!isCie) {
                int cieOffset = ehFrame ? (int) (idAt - id) : (int) id;
                if (ehFrame && (id > idAt || id <= 0) || !ehFrame && (id < 0 || id >= r.limit())) {
                    throw r.error(idAt, "FDE's CIE pointer 0x" + Long.toHexString(id) + " is outside the section");
                }
                CommonInfo cie = cieAt.get(cieOffset);
                if (cie == null) {
                    int save = r.pos;
                    r.pos = cieOffset;
                    cie = readCie(r, ehFrame);
                    cieAt.put(cieOffset, cie);
                    r.pos = save;
                }
                long start = r.pointer(cie.fdeEncoding(), false);
                long range = r.pointer(cie.fdeEncoding(), true);
                if (cie.augmented()) {
                    long augLength = r.uleb();
                    if (augLength > end - r.pos) {
                        throw r.error(r.pos, "FDE augmentation data runs past the entry");
                    }
                    r.pos += (int) augLength;
                }
                if (r.pos > end) {
                    throw r.error(entry, "FDE's fields run past its length");
                }
                if (range != 0) {
                    fdes.add(new long[] {start, start + range, r.pos, end});
                    fdeCies.add(cie);
                }
            } else if (!cieAt.containsKey(entry)) {
                r.pos = entry;
                cieAt.put(entry, readCie(r, ehFrame));
            }
            r.pos = end;
        }
        Integer[] order = new Integer[fdes.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(fdes.get(a)[0], fdes.get(b)[0]));
        long[] starts = new long[order.length];
        long[] ends = new long[order.length];
        int[] programs = new int[order.length];
        int[] programEnds = new int[order.length];
        CommonInfo[] cies = new CommonInfo[order.length];
        for (int i = 0; i < order.length; i++) {
            long[] f = fdes.get(order[i]);
            starts[i] = f[0];
            ends[i] = f[1];
            programs[i] = (int) f[2];
            programEnds[i] = (int) f[3];
            cies[i] = fdeCies.get(order[i]);
        }
        return new CallFrameTable(bytes, source, fileOffset, sectionAddress, starts, ends, programs, programEnds, cies,
                addressSize);
    }

    private static CommonInfo readCie(DwarfReader r, boolean ehFrame) throws InputFormatException {
        int entry = r.pos;
        long length = r.u32();
        boolean dwarf64 = length == 0xffffffffL;
        if (dwarf64) {
            length = r.u64();
        }
        int idAt = r.pos;
        if (length <= 0 || length > r.limit() - idAt) {
            throw r.error(entry, "CIE of " + Long.toUnsignedString(length) + " bytes runs past the section");
        }
        int end = idAt + (int) length;
        long id = dwarf64 ? r.u64() : r.u32();
        if (ehFrame ? id != 0 : id != (dwarf64 ? -1L : 0xffffffffL)) {
            throw r.error(idAt, "FDE's CIE pointer leads to an entry that is not a CIE");
        }
        int versionAt = r.pos;
        int version = r.u8();
        if (version != 1 && version != 3 && version != 4) {
            throw r.error(versionAt, "CIE version " + version + " (1, 3 or 4 are defined)");
        }
        StringBuilder aug = new StringBuilder();
        for (int c = r.u8(); c != 0; c = r.u8()) {
            aug.append((char) c);
        }
        if (version == 4) {
            r.u8(); // address_size
            r.u8(); // segment_selector_size
        }
        long codeAlign = r.uleb();
        long dataAlign = r.sleb();
        int ra = version == 1 ? r.u8() : r.ulebInt();
        int fdeEncoding = 0; // absolute addresses, as .debug_frame has them
        boolean augmented = false;
        boolean signal = false;
        String a = aug.toString();
        if (a.startsWith("z")) {
            long augLength = r.uleb();
            if (augLength > end - r.pos) {
                throw r.error(r.pos, "CIE augmentation data runs past the entry");
            }
            int augEnd = r.pos + (int) augLength;
            augmented = true;
            for (int i = 1; i < a.length(); i++) {
                switch (a.charAt(i)) {
                    case 'L' -> r.u8(); // the LSDA's encoding: FDEs' augmentation data, skipped whole
                    case 'P' -> r.skipPointer(r.u8());
                    case 'R' -> fdeEncoding = r.u8();
                    case 'S' -> signal = true;
                    default -> i = a.length(); // 'B', 'G' and later letters: the length says where data ends
                }
            }
            r.pos = augEnd;
        } else if (!a.isEmpty()) {
            throw r.error(versionAt, "CIE augmentation \"" + a + "\" without 'z' cannot be skipped");
        }
        if (r.pos > end) {
            throw r.error(entry, "CIE's fields run past its length");
        }
        return new CommonInfo(codeAlign, dataAlign, ra, fdeEncoding, augmented, signal, r.pos, end);
    }

    /** The first address description {@code index} covers (descriptions are in address order). */
    public long start(int index) {
        return starts[index];
    }

    /** The index of the description covering {@code address}, or -1. */
    public int find(long address) {
        int lo = 0;
        int hi = starts.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(starts[mid], address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // Descriptions may nest or overlap (hand-written assembly); the last one starting at or
        // below the address usually covers it, else look a few back.
        for (int i = found; i >= 0 && i > found - 4; i--) {
            if (Long.compareUnsigned(address, ends[i]) < 0 && Long.compareUnsigned(address, starts[i]) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The unwinding rules at {@code address} in description {@code index}: the CIE's initial
     * instructions, then the description's up to the address.
     *
     * @param initial rules that hold before the CIE's instructions (the ABI's, as libdw's
     *                {@code abi_cfi} gives them)
     */
    public UnwindRow row(int index, long address, UnwindRow.Builder initial) throws InputFormatException {
        CommonInfo cie = cies[index];
        DwarfReader r = new DwarfReader(bytes, source, fileOffset, sectionAddress, addressSize);
        CfaProgram program = new CfaProgram(r, cie, initial);
        program.run(cie.initialStart(), cie.initialEnd(), -1, 0);
        program.startDescription();
        program.run(programs[index], programEnds[index], address, starts[index]);
        return program.row(cie.raRegister(), cie.signalFrame());
    }

    /** The section's bytes, where the rows' expressions are. */
    ByteBuffer bytes() {
        return bytes;
    }
}
