package dev.textpoke.elf;

import dev.textpoke.io.Bytes;

/** One ELF note ({@code Elf*_Nhdr} followed by name and descriptor, System V gABI "Note Section"). */
public record Note(String name, int type, Bytes desc) {
    /** {@code NT_GNU_BUILD_ID}, owner "GNU": the descriptor is the build id. */
    public static final int NT_GNU_BUILD_ID = 3;

    public boolean isGnuBuildId() {
        return type == NT_GNU_BUILD_ID && name.equals("GNU");
    }
}
