package dev.textpoke.code.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel-mode addresses outside the kernel text map's MMAP, which ends at {@code _etext}: perf 6.1
 * (reading the running kernel's kcore) names init text by its kallsyms symbol in {@code
 * [kernel.kallsyms]} (seen on this machine: the idle task's chain ends in {@code
 * start_kernel+0x744 ([kernel.kallsyms])}, {@code x86_64_start_kernel+0xd1}); below the map's start
 * an address stays unknown.
 */
class LocatorKernelTest {
    @TempDir
    Path tmp;

    @Test
    void initTextPastTheTextMapIsTheKernels() throws Exception {
        Path f = tmp.resolve("kallsyms");
        Files.writeString(f, String.join("\n",
                "ffffffff80ff0000 T below_text",
                "ffffffff81000000 T _stext",
                "ffffffff81000100 T do_idle",
                "ffffffff8225b140 T _etext",
                "ffffffff83576000 T _sinittext",
                "ffffffff83576b10 T start_kernel",
                "ffffffff83577400 T after_start_kernel",
                "ffffffffc0000000 t mod_fn\t[mymod]",
                ""));
        AddressSpaces spaces = new AddressSpaces();
        spaces.mmap(AddressSpaces.KERNEL_PID, 0xffffffff81000000L, 0x125b140L, 0xffffffff81000000L,
                "[kernel.kallsyms]_text", null, 5, 0, 0);
        Locator l = new Locator(spaces, new ObjectFiles(ObjectFiles.Config.defaults()), KernelSymbols.kallsyms(f));

        Location inText = l.locate(0, 0xffffffff81000104L, 1, true);
        assertEquals("do_idle", inText.symbol().name());
        assertEquals(KernelSymbols.KERNEL_DSO, inText.dso());

        Location init = l.locate(0, 0xffffffff83577254L, 1, true);
        assertEquals("start_kernel", init.symbol().name());
        assertEquals(0x744, init.symbolOffset());
        assertEquals(KernelSymbols.KERNEL_DSO, init.dso());

        Location below = l.locate(0, 0xffffffff80ff0010L, 1, true);
        assertNull(below.symbol());
        assertEquals(Location.UNKNOWN, below.dso());
    }
}
