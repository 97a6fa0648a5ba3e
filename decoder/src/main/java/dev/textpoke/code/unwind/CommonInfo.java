package dev.textpoke.code.unwind;

/**
 * A Common Information Entry (DWARF 5 section 6.4.1; the LSB's {@code .eh_frame} variant): what
 * the frame descriptions that point at it share.
 *
 * @param codeAlign   the factor of every advance of the location
 * @param dataAlign   the factor of every offset rule
 * @param raRegister  the column that holds the return address (16 on x86-64)
 * @param fdeEncoding how its FDEs encode their addresses ({@code DW_EH_PE_*}; absolute in
 *                    {@code .debug_frame})
 * @param augmented   augmentation {@code z}: each FDE has augmentation data, with its length
 * @param signalFrame augmentation {@code S}: its frames are signal trampolines, entered by the
 *                    kernel rather than by a call, so their addresses are not return addresses
 * @param initialStart where its initial instructions start in the section
 * @param initialEnd  where they end
 */
record CommonInfo(long codeAlign, long dataAlign, int raRegister, int fdeEncoding, boolean augmented, boolean signalFrame,
        int initialStart, int initialEnd) {}
