package dev.textpoke.isa;

/** Turns Capstone's decoding of one instruction into an {@link Instruction}, per instruction set. */
interface BranchRules {
    /**
     * @param id      Capstone's instruction id
     * @param code    the bytes decoded, starting at {@code offset}; {@code size} of them form the instruction
     */
    Decoded classify(int id, byte[] code, int offset, int size, long address, String mnemonic,
            String operands);
}
