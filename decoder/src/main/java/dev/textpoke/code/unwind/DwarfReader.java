package dev.textpoke.code.unwind;

import dev.textpoke.io.InputFormatException;
import java.nio.ByteBuffer;

/**
 * Reads the encodings of call frame information (DWARF 5 section 7.6 LEB128; the LSB's
 * {@code DW_EH_PE_*} pointer encodings of {@code .eh_frame}) from one section's bytes, at a
 * position the caller keeps. Every read is bounds-checked against the section and reports the
 * file offset of the bad field.
 */
final class DwarfReader {
    /** {@code DW_EH_PE_omit}: no value follows. */
    static final int PE_OMIT = 0xff;
    /** The value formats (low four bits) and applications (bits 4-6) of {@code DW_EH_PE_*}. */
    private static final int PE_ABSPTR = 0x00, PE_ULEB128 = 0x01, PE_UDATA2 = 0x02, PE_UDATA4 = 0x03,
            PE_UDATA8 = 0x04, PE_SLEB128 = 0x09, PE_SDATA2 = 0x0a, PE_SDATA4 = 0x0b, PE_SDATA8 = 0x0c;
    private static final int PE_PCREL = 0x10, PE_ALIGNED = 0x50, PE_INDIRECT = 0x80;

    private final ByteBuffer bytes;
    private final String source;
    private final long fileOffset;
    /** The section's address when loaded, base of pc-relative pointers. */
    private final long sectionAddress;
    private final int addressSize;
    int pos;

    DwarfReader(ByteBuffer bytes, String source, long fileOffset, long sectionAddress, int addressSize) {
        this.bytes = bytes;
        this.source = source;
        this.fileOffset = fileOffset;
        this.sectionAddress = sectionAddress;
        this.addressSize = addressSize;
    }

    ByteBuffer bytes() {
        return bytes;
    }

    int limit() {
        return bytes.limit();
    }

    InputFormatException error(int at, String problem) {
        return new InputFormatException(source, fileOffset + at, problem);
    }

    private void need(int n) throws InputFormatException {
        if (pos < 0 || n > bytes.limit() - pos) {
            throw error(pos, "call frame information ends inside a field of " + n + " bytes");
        }
    }

    int u8() throws InputFormatException {
        need(1);
        return bytes.get(pos++) & 0xff;
    }

    int u16() throws InputFormatException {
        need(2);
        int v = bytes.getShort(pos) & 0xffff;
        pos += 2;
        return v;
    }

    long u32() throws InputFormatException {
        need(4);
        long v = bytes.getInt(pos) & 0xffffffffL;
        pos += 4;
        return v;
    }

    long u64() throws InputFormatException {
        need(8);
        long v = bytes.getLong(pos);
        pos += 8;
        return v;
    }

    long address() throws InputFormatException {
        return addressSize == 4 ? u32() : u64();
    }

    long uleb() throws InputFormatException {
        long v = 0;
        for (int shift = 0;; shift += 7) {
            int b = u8();
            if (shift < 64) {
                v |= (long) (b & 0x7f) << shift;
            }
            if ((b & 0x80) == 0) {
                return v;
            }
            if (shift > 70) {
                throw error(pos - 1, "LEB128 number longer than 10 bytes");
            }
        }
    }

    long sleb() throws InputFormatException {
        long v = 0;
        int shift = 0;
        int b;
        do {
            b = u8();
            if (shift < 64) {
                v |= (long) (b & 0x7f) << shift;
            }
            shift += 7;
            if (shift > 77) {
                throw error(pos - 1, "LEB128 number longer than 10 bytes");
            }
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) {
            v |= -1L << shift;
        }
        return v;
    }

    /** A register number or an operand that must fit an int. */
    int ulebInt() throws InputFormatException {
        int at = pos;
        long v = uleb();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw error(at, "value " + Long.toUnsignedString(v) + " out of range");
        }
        return (int) v;
    }

    /**
     * A pointer in encoding {@code enc} ({@code DW_EH_PE_*}), applied: pc-relative ones are made
     * absolute. {@code valueOnly} reads the value format and ignores the application (an FDE's
     * address range is encoded so).
     */
    long pointer(int enc, boolean valueOnly) throws InputFormatException {
        int at = pos;
        if (enc == PE_OMIT) {
            throw error(at, "an omitted pointer where one is needed");
        }
        if (!valueOnly && (enc & 0x70) == PE_ALIGNED) {
            pos = (pos + addressSize - 1) & -addressSize;
            at = pos;
        }
        long v = switch (enc & 0x0f) {
            case PE_ABSPTR -> address();
            case PE_ULEB128 -> uleb();
            case PE_UDATA2 -> u16();
            case PE_UDATA4 -> u32();
            case PE_UDATA8, PE_SDATA8 -> u64();
            case PE_SLEB128 -> sleb();
            case PE_SDATA2 -> (short) u16();
            case PE_SDATA4 -> (int) u32();
            default -> throw error(at, "pointer encoding 0x" + Integer.toHexString(enc) + " is not defined");
        };
        if (valueOnly) {
            return v;
        }
        int application = enc & 0x70;
        if (application == PE_PCREL) {
            v += sectionAddress + at;
        } else if (application != 0 && application != PE_ALIGNED) {
            // textrel, datarel, funcrel need bases .eh_frame does not give (no GCC target here uses them)
            throw error(at, "pointer encoding 0x" + Integer.toHexString(enc) + " is relative to an unknown base");
        }
        if ((enc & PE_INDIRECT) != 0) {
            throw error(at, "indirect pointer encoding 0x" + Integer.toHexString(enc) + " for a code address");
        }
        return v;
    }

    /** Skips a pointer of encoding {@code enc} whose value is not needed (a personality routine's). */
    void skipPointer(int enc) throws InputFormatException {
        if (enc == PE_OMIT) {
            return;
        }
        if ((enc & 0x70) == PE_ALIGNED) {
            pos = (pos + addressSize - 1) & -addressSize;
        }
        switch (enc & 0x0f) {
            case PE_ABSPTR -> address();
            case PE_ULEB128 -> uleb();
            case PE_UDATA2, PE_SDATA2 -> u16();
            case PE_UDATA4, PE_SDATA4 -> u32();
            case PE_UDATA8, PE_SDATA8 -> u64();
            case PE_SLEB128 -> sleb();
            default -> throw error(pos, "pointer encoding 0x" + Integer.toHexString(enc) + " is not defined");
        }
    }
}
