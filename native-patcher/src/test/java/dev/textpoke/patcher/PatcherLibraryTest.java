package dev.textpoke.patcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The binding against the library: layouts (checked by load()), names, membarrier. */
class PatcherLibraryTest {
    private static PatcherLibrary lib;

    @BeforeAll
    static void load() throws PatcherException {
        lib = PatcherLibrary.load();
    }

    @Test
    void protocolNamesAreTheFixedOnesOfIssue4() {
        // Issue 4: naive, atomic, int3, int3-sync, mprotect, batch (x86-64); brk, brk-sync,
        // naive, atomic (aarch64).
        assertEquals(List.of("naive", "atomic", "int3", "int3-sync", "mprotect", "batch"),
                Protocol.of(Arch.X86_64).stream().map(Protocol::label).toList());
        assertEquals(List.of("brk", "brk-sync", "naive", "atomic"),
                Protocol.of(Arch.AARCH64).stream().map(Protocol::label).toList());
        for (Protocol p : Protocol.values()) {
            assertEquals(p.label(), lib.protocolName(p.code()), "C and Java name protocol " + p.code());
            for (Arch a : Arch.values()) {
                assertEquals(p.runsOn(a), lib.protocolSupported(p, a), p + " on " + a);
            }
        }
        assertNull(lib.protocolName(Protocol.values().length));
    }

    @Test
    void placementsAndArchesAgreeWithTheLibrary() {
        for (Placement p : Placement.values()) {
            assertEquals(p.label(), lib.placementName(p.code()));
        }
        assertEquals(Arch.host(), lib.hostArch());
    }

    @Test
    void everyErrorCodeHasItsOwnName() {
        Set<String> names = new HashSet<>();
        for (int code = 0; code <= 18; code++) {
            String s = lib.errstr(-code);
            assertEquals(s, lib.errstr(code), "sign does not matter");
            assertTrue(names.add(s), "duplicate name " + s);
        }
        assertEquals("unknown error", lib.errstr(-1000));
    }

    @Test
    void membarrierQueryMatchesTheKernelsAnswer() {
        // Kernel 6.18 on x86-64 offers commands 0..9 (QUERY mask 0x3ff, reference section 4.1);
        // whatever the kernel, SYNC_CORE and its REGISTER come together.
        long mask = lib.membarrierQuery();
        assertTrue(mask >= 0, "QUERY failed: " + lib.errstr((int) mask));
        assertEquals((mask >> 5) & 1, (mask >> 6) & 1);
        assertNotEquals(0, mask & (1 << 3), "PRIVATE_EXPEDITED (4.14) is missing");
    }
}
