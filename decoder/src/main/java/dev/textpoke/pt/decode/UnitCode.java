package dev.textpoke.pt.decode;

import dev.textpoke.pt.flow.CodeBlocks;

/**
 * The code a unit is decoded with: the kernel's, and the user space of whatever ran on the unit's
 * CPU (or in its thread). One per decoding thread.
 */
@FunctionalInterface
public interface UnitCode {
    CodeBlocks forUnit(DecodeUnit unit);

    /** The same code read as 32-bit code (compatibility mode), or null when 32-bit code is not read. */
    default CodeBlocks compatForUnit(DecodeUnit unit) {
        return null;
    }

    /** The same code for every unit (the kernel's only, or a test's). */
    static UnitCode of(CodeBlocks code) {
        return unit -> code;
    }
}
