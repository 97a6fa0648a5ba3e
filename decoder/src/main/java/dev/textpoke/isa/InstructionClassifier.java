package dev.textpoke.isa;

import capstone.Capstone;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Decodes and classifies one instruction at a time with Capstone: length, mnemonic, operands,
 * {@link BranchClass} and the target of direct branches. It knows nothing about time: callers that
 * model changing code (the timeline) cache its answers per code version.
 *
 * <p>Each instance owns one Capstone handle and one preallocated {@code cs_insn}; it is not
 * thread-safe, so use one per thread. Close it when done (a cleaner frees the native memory of an
 * instance that is dropped unclosed).
 */
public final class InstructionClassifier implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final Isa isa;
    private final BranchRules rules;
    private final NativeState state;
    private final Cleaner.Cleanable cleanable;
    private final byte[] text = new byte[CapstoneLibrary.OP_STR_SIZE];
    private final String[] mnemonicById = new String[4096];

    private InstructionClassifier(Isa isa) {
        this.isa = isa;
        this.rules = isa == Isa.A64 ? new A64BranchRules() : new X86BranchRules();
        this.state = new NativeState(isa);
        this.cleanable = CLEANER.register(this, state);
    }

    /**
     * A classifier for {@code isa}.
     *
     * @throws IllegalStateException when libcapstone 4 cannot be loaded or opened
     */
    public static InstructionClassifier open(Isa isa) {
        try {
            return new InstructionClassifier(isa);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IllegalStateException("cannot load libcapstone.so.4 (install the Debian package"
                    + " libcapstone4): " + e.getMessage(), e);
        }
    }

    public Isa isa() {
        return isa;
    }

    /**
     * Decodes the instruction at the start of {@code code[offset, offset + length)}, which is at
     * {@code address}. At most {@link Isa#maxLength()} bytes are looked at; fewer than an instruction
     * needs gives {@link Undecodable}.
     */
    public Decoded classify(byte[] code, int offset, int length, long address) {
        int n = Math.min(length, isa.maxLength());
        if (n <= 0) {
            return new Undecodable(address, 0);
        }
        // Every field goes through direct buffers over the native memory: the only JNI crossing per
        // instruction is cs_disasm_iter itself.
        ByteBuffer in = state.codeView;
        in.put(0, code, offset, n);
        ByteBuffer args = state.argsView;
        args.putLong(0, state.codeAddress);
        args.putLong(8, n);
        args.putLong(16, address);
        if (!CapstoneLibrary.cs_disasm_iter(state.handle, state.args, state.sizeArg, state.addressArg,
                state.insn)) {
            Decoded known = rules.unknownToCapstone(code, offset, n, address);
            return known != null ? known : new Undecodable(address, n);
        }
        ByteBuffer out = state.insnView;
        int id = out.getInt(CapstoneLibrary.INSN_ID);
        int size = out.getShort(CapstoneLibrary.INSN_SIZE) & 0xffff;
        String mnemonic = mnemonic(out, id);
        String operands = cString(out, CapstoneLibrary.INSN_OP_STR, CapstoneLibrary.OP_STR_SIZE);
        return rules.classify(id, code, offset, size, address, mnemonic, operands);
    }

    /** Decodes the instruction at the start of {@code code}, which is at {@code address}. */
    public Decoded classify(byte[] code, long address) {
        return classify(code, 0, code.length, address);
    }

    /** Mnemonics repeat: keep one String per instruction id as long as the text is the same. */
    private String mnemonic(ByteBuffer insn, int id) {
        int len = readCString(insn, CapstoneLibrary.INSN_MNEMONIC, CapstoneLibrary.MNEMONIC_SIZE);
        String cached = id >= 0 && id < mnemonicById.length ? mnemonicById[id] : null;
        if (cached != null && cached.length() == len && sameAscii(cached, len)) {
            return cached;
        }
        String s = new String(text, 0, len, StandardCharsets.ISO_8859_1);
        if (id >= 0 && id < mnemonicById.length) {
            mnemonicById[id] = s;
        }
        return s;
    }

    private boolean sameAscii(String s, int len) {
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != (text[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private String cString(ByteBuffer insn, int offset, int max) {
        int len = readCString(insn, offset, max);
        return len == 0 ? "" : new String(text, 0, len, StandardCharsets.ISO_8859_1);
    }

    private int readCString(ByteBuffer insn, int offset, int max) {
        int len = 0;
        while (len < max) {
            byte b = insn.get(offset + len);
            if (b == 0) {
                break;
            }
            text[len++] = b;
        }
        return len;
    }

    @Override
    public void close() {
        cleanable.clean();
    }

    /** The native resources, held apart from the classifier so that the cleaner can free them. */
    private static final class NativeState implements Runnable {
        final Pointer handle;
        final PointerByReference handleRef = new PointerByReference();
        final Pointer insn;
        final Memory code = new Memory(16);
        final ByteBuffer codeView = code.getByteBuffer(0, 16);
        final long codeAddress = Pointer.nativeValue(code);
        // cs_disasm_iter's in/out arguments: const uint8_t **code, size_t *size, uint64_t *address.
        final Memory args = new Memory(24);
        final ByteBuffer argsView = args.getByteBuffer(0, 24).order(ByteOrder.nativeOrder());
        final Pointer sizeArg = args.share(8);
        final Pointer addressArg = args.share(16);
        final ByteBuffer insnView;

        NativeState(Isa isa) {
            if (com.sun.jna.Native.POINTER_SIZE != 8) {
                throw new IllegalStateException("the classifier supports 64-bit JVMs only (size_t and"
                        + " pointers are written as 8 bytes)");
            }
            CapstoneLibrary.requireVersion4();
            int mode = switch (isa) {
                case X86_64 -> Capstone.CS_MODE_64;
                case X86_32 -> Capstone.CS_MODE_32;
                case A64 -> Capstone.CS_MODE_ARM;
            };
            int arch = isa == Isa.A64 ? Capstone.CS_ARCH_ARM64 : Capstone.CS_ARCH_X86;
            int err = CapstoneLibrary.cs_open(arch, mode, handleRef);
            if (err != 0) {
                throw new IllegalStateException("cs_open failed: " + CapstoneLibrary.cs_strerror(err));
            }
            handle = handleRef.getValue();
            insn = CapstoneLibrary.cs_malloc(handle);
            if (insn == null) {
                CapstoneLibrary.cs_close(handleRef);
                throw new IllegalStateException("cs_malloc failed");
            }
            insnView = insn.getByteBuffer(0, CapstoneLibrary.INSN_SIZE_OF).order(ByteOrder.nativeOrder());
        }

        @Override
        public void run() {
            CapstoneLibrary.cs_free(insn, 1);
            CapstoneLibrary.cs_close(handleRef);
        }
    }
}
