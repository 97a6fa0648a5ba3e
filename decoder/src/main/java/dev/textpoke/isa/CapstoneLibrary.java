package dev.textpoke.isa;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few libcapstone 4 functions the classifier calls, bound directly with JNA.
 *
 * <p>Why not {@code capstone.Capstone.disasm}: the Java binding returns {@code cs_disasm}'s array
 * without ever calling {@code cs_free} (native memory leaks on every call) and reads each
 * {@code cs_insn} through JNA reflection. The classifier instead uses the binding's generated
 * constants (architectures, modes, instruction ids) and drives {@code cs_disasm_iter} on one
 * preallocated {@code cs_insn} per handle: no native allocation per instruction.
 *
 * <p>Loaded as {@code libcapstone.so.4} (Debian's libcapstone4): a Capstone 5 library has other
 * instruction ids and a larger {@code cs_insn}, so {@link #requireVersion4()} refuses it.
 */
final class CapstoneLibrary {
    /** Layout of {@code cs_insn} in Capstone 4 (capstone.h): id u32, address u64, size u16,
     *  bytes[16], mnemonic[32], op_str[160], detail pointer: 240 bytes. */
    static final int INSN_ID = 0, INSN_ADDRESS = 8, INSN_SIZE = 16, INSN_BYTES = 18,
            INSN_MNEMONIC = 34, MNEMONIC_SIZE = 32, INSN_OP_STR = 66, OP_STR_SIZE = 160, INSN_SIZE_OF = 240;

    static {
        NativeLibrary lib;
        try {
            lib = NativeLibrary.getInstance("libcapstone.so.4");
        } catch (UnsatisfiedLinkError e) {
            lib = NativeLibrary.getInstance("capstone");
        }
        Native.register(CapstoneLibrary.class, lib);
    }

    private CapstoneLibrary() {}

    static native int cs_version(IntByReference major, IntByReference minor);

    static native int cs_open(int arch, int mode, PointerByReference handle);

    static native int cs_close(PointerByReference handle);

    static native Pointer cs_malloc(Pointer handle);

    static native void cs_free(Pointer insn, long count);

    static native boolean cs_disasm_iter(Pointer handle, Pointer code, Pointer size, Pointer address,
            Pointer insn);

    static native String cs_strerror(int code);

    static void requireVersion4() {
        IntByReference major = new IntByReference();
        IntByReference minor = new IntByReference();
        cs_version(major, minor);
        if (major.getValue() != 4) {
            throw new IllegalStateException("libcapstone " + major.getValue() + "." + minor.getValue()
                    + " was loaded, but textpoke needs Capstone 4 (Debian package libcapstone4)");
        }
    }
}
