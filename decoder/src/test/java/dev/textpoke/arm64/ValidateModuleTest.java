package dev.textpoke.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.cli.CliRun;
import dev.textpoke.elf.ToolRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code validate-arm64} on a module built here (traces/arm64), checked against binutils: every
 * {@code __jump_table} entry (from its relocations, as readelf lists them) and every
 * {@code __patchable_function_entries} slot must come out as a site at the place objdump shows,
 * with the word objdump shows, and every transition classified.
 */
class ValidateModuleTest {
    @TempDir
    static Path dir;
    static TestModule module;
    static CliRun run;
    static List<Map<String, Object>> sites = new ArrayList<>();
    static Map<String, Object> summary;

    @BeforeAll
    static void buildAndRun() throws Exception {
        module = new TestModule(dir);
        run = CliRun.of("validate-arm64", "--json", "--check-classifier", module.ko.toString());
        for (String line : run.out().split("\n")) {
            Map<String, Object> o = JsonValue.object(line);
            if (o.containsKey("kind")) {
                sites.add(o);
            } else if (o.containsKey("summary")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> s = (Map<String, Object>) o.get("summary");
                summary = s;
            }
        }
    }

    private static Map<String, Object> site(String kind, String section, long offset, boolean runtime) {
        for (Map<String, Object> s : sites) {
            if (s.get("kind").equals(kind) && section.equals(s.get("section"))
                    && ("0x" + Long.toHexString(offset)).equals(s.get("section_offset"))
                    && s.get("runtime").equals(runtime)) {
                return s;
            }
        }
        return null;
    }

    private static long word(Map<String, Object> s, String field) {
        return Long.parseLong((String) s.get(field), 16);
    }

    @Test
    void runsCleanAndAgreesWithCapstoneOnEveryWord() {
        assertEquals(0, run.status(), run.err());
        assertEquals(0L, summary.get("capstone_disagreements"));
        assertTrue((Long) summary.get("words") > 50);
        for (Map<String, Object> s : sites) {
            assertNotNull(s.get("tear_safe"));
            assertNotNull(s.get("visibility"));
            if ((Boolean) s.get("runtime")) {
                assertEquals(true, s.get("tear_safe"), s.toString());
            }
        }
    }

    @Test
    void everyJumpTableEntryIsASiteWithTheWordObjdumpShows() {
        List<TestModule.Reloc> relocs = module.relocations.get(".rela__jump_table");
        assertEquals(6 * 3, relocs.size());
        Map<Long, TestModule.Reloc> byOffset = new HashMap<>();
        relocs.forEach(r -> byOffset.put(r.offset(), r));
        int found = 0;
        for (long e = 0; e < relocs.size() / 3 * 16; e += 16) {
            TestModule.Reloc code = byOffset.get(e);
            TestModule.Reloc target = byOffset.get(e + 4);
            TestModule.Reloc key = byOffset.get(e + 8);
            assertEquals("R_AARCH64_PREL32", code.type());
            assertEquals("R_AARCH64_PREL64", key.type());
            Map<String, Object> s = site("jump_label", code.symbol(), code.addend(), true);
            assertNotNull(s, "no site for " + code);
            found++;
            TestModule.Insn insn = module.insn(code.symbol(), code.addend());
            assertEquals("ipi", s.get("visibility"));
            assertTrue(((String) s.get("note")).contains("key " + key.symbol()), s.get("note").toString());
            assertEquals((key.addend() & 1) != 0, ((String) s.get("note")).contains("(branch)"));
            if (insn.mnemonic().equals("nop")) {
                assertEquals(insn.word(), word(s, "old"));
                long b = word(s, "new");
                assertEquals(0x14000000L, b & 0xfc000000L, "the other state installs a B");
                if (target.symbol().equals(code.symbol())) {
                    long offset = ((int) (b << 6) >> 6) * 4L;
                    assertEquals(target.addend() - code.addend(), offset, "B goes to the entry's target");
                }
            } else {
                assertEquals("b", insn.mnemonic());
                assertEquals(0xd503201fL, word(s, "new"), "the other state installs NOP");
                assertEquals(0x14000000L, word(s, "old") & 0xfc000000L);
            }
        }
        assertEquals(6, found);
        assertEquals(6L, summary.get("jump_label_sites"));
    }

    @Test
    void everyPatchableEntryGivesALoadTimeAndARuntimeTransition() {
        List<TestModule.Reloc> entries = module.relocations.get(".rela__patchable_function_entries");
        assertFalse(entries.isEmpty());
        for (TestModule.Reloc r : entries) {
            assertEquals("R_AARCH64_ABS64", r.type());
            String sec = r.symbol();
            // With -fpatchable-function-entry=4,2 the function starts 8 bytes after the recorded
            // address (two NOPs before it), and a BTI C at its entry comes before the patch slots;
            // with =2 the recorded address is the function, or the NOP right after its BTI C.
            long x = r.addend();
            long slot;
            if (module.functionAt(sec, x + 8)) {
                slot = isBti(sec, x + 8) ? x + 12 : x + 8;
            } else if (module.functionAt(sec, x)) {
                slot = isBti(sec, x) ? x + 4 : x;
            } else {
                assertTrue(module.functionAt(sec, x - 4) && isBti(sec, x - 4), "no function at " + sec + "+" + x);
                slot = x;
            }
            assertEquals("nop", module.insn(sec, slot).mnemonic());
            assertEquals("nop", module.insn(sec, slot + 4).mnemonic());
            Map<String, Object> init = site("ftrace", sec, slot, false);
            assertNotNull(init, "no ftrace_init_nop transition at " + sec + "+" + slot);
            assertEquals(0xaa1e03e9L, word(init, "new"));
            assertEquals(false, init.get("tear_safe"));
            assertEquals("cmodx.old-or-new-set", init.get("rule"));
            Map<String, Object> call = site("ftrace", sec, slot + 4, true);
            assertNotNull(call, "no call-site transition at " + sec + "+" + (slot + 4));
            assertEquals(0x94000000L, word(call, "new") & 0xfc000000L, "NOP <-> BL");
            assertEquals(true, call.get("tear_safe"));
            assertEquals("local", call.get("visibility"));
        }
        assertEquals((long) entries.size(), summary.get("ftrace_functions"));
        assertEquals(2 * 6 + 3L * entries.size(), summary.get("transitions")); // away and back; init, on, off
    }

    private static boolean isBti(String section, long offset) {
        return module.insn(section, offset).mnemonic().equals("bti");
    }

    @ParameterizedTest
    @ValueSource(strings = {"xz", "zstd"})
    void compressedModulesGiveTheSameSites(String tool) throws Exception {
        String suffix = tool.equals("xz") ? ".xz" : ".zst";
        ToolRun.run(dir, tool, "-q", "-k", "-f", module.ko.toString());
        Path compressed = Path.of(module.ko + suffix);
        CliRun c = CliRun.of("validate-arm64", "--json", "--check-classifier", compressed.toString());
        assertEquals(0, c.status(), c.err());
        assertEquals(run.out().replace(module.ko.toString(), "IMAGE"),
                c.out().replace(compressed.toString(), "IMAGE"));
    }
}
