package dev.textpoke.code.space;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.io.InputFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading a kallsyms copy: which lines perf keeps ({@code symbol_type__filter}: T W D B in either
 * case, no {@code $} mapping symbols), module columns, blank lines, and damage reported at the
 * byte offset of its line.
 */
class KernelSymbolsTest {
    @TempDir
    Path tmp;

    @Test
    void keepsWhatPerfKeeps() throws Exception {
        Path f = tmp.resolve("kallsyms");
        Files.writeString(f, String.join("\n",
                "ffffffff81000000 T _stext",
                "ffffffff81000010 t local_fn",
                "ffffffff81000020 A absolute_skipped",
                "ffffffff81000030 r rodata_skipped",
                "",
                "ffffffff81000040 W weak_fn",
                "ffffffff81000050 d some_data",
                "ffffffff81000060 t $x",
                "ffffffffc0000000 t mod_fn\t[mymod]",
                "ffffffffc0000100 T other_fn  [other]",
                ""));
        KernelSymbols k = KernelSymbols.kallsyms(f);
        assertEquals("_stext", k.find(0xffffffff81000008L).name());
        // an A or r symbol is not kept: local_fn runs on to weak_fn
        assertEquals("local_fn", k.find(0xffffffff81000035L).name());
        assertEquals("weak_fn", k.find(0xffffffff81000048L).name());
        // a $x mapping symbol is not kept either
        assertEquals("some_data", k.find(0xffffffff81000068L).name());
        SymbolIndex.Found m = k.find(0xffffffffc0000004L);
        assertEquals("mod_fn", m.name());
        assertEquals("[mymod]", k.dsoOf(m));
        assertEquals("[other]", k.dsoOf(k.find(0xffffffffc0000100L)));
        assertEquals(KernelSymbols.KERNEL_DSO, k.dsoOf(k.find(0xffffffff81000000L)));
        assertNull(k.find(0xffffffff80000000L));
    }

    @Test
    void damageIsReportedAtItsLine() throws Exception {
        Path f = tmp.resolve("kallsyms");
        String good = "ffffffff81000000 T _stext\n";
        Files.writeString(f, good + "ffffffff8100zz00 T broken\n");
        InputFormatException e = assertThrows(InputFormatException.class, () -> KernelSymbols.kallsyms(f));
        assertEquals(good.length(), e.offset());
        Files.writeString(f, good + good + "just-one-field\n");
        e = assertThrows(InputFormatException.class, () -> KernelSymbols.kallsyms(f));
        assertEquals(2L * good.length(), e.offset());
    }
}
