package dev.textpoke.isa;

/** Turns Capstone's decoding of one instruction into an {@link Instruction}, per instruction set. */
interface BranchRules {
    /**
     * @param id      Capstone's instruction id
     * @param code    the bytes decoded, starting at {@code offset}; {@code size} of them form the instruction
     */
    Decoded classify(int id, byte[] code, int offset, int size, long address, String mnemonic,
            String operands);

    /**
     * An instruction Capstone 4 does not decode but a trace decoder meets, recognised by its bytes;
     * null when these bytes are not one.
     *
     * @param length how many bytes from {@code offset} are available
     */
    default Decoded unknownToCapstone(byte[] code, int offset, int length, long address) {
        return null;
    }
}
