package dev.textpoke.sim.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.code.Symbol;
import dev.textpoke.sim.SimulatedTrace;
import dev.textpoke.sim.exec.Behaviour;
import dev.textpoke.sim.exec.BranchScript;
import dev.textpoke.sim.exec.CplFilter;
import dev.textpoke.sim.exec.CpuStart;
import dev.textpoke.sim.truth.Executed;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-written programs through yasm: labels from its map file, errors with their line, and a run. */
class YasmProgramTest {
    @TempDir
    Path tmp;

    static final String LOOP = """
            bits 64
            org 0xffffffff81000000
            main:
                mov ecx, 3
            .again:
                dec ecx
                jnz .again
                call helper
                jmp main
            helper:
                ret
            """;

    @Test
    void labelsAndSymbolsComeFromTheMapFile() throws Exception {
        YasmProgram y = YasmProgram.assemble(LOOP, tmp);
        long o = 0xffffffff81000000L;
        assertEquals(o, y.origin());
        assertEquals(o + 5, y.label("main.again"));
        // mov ecx,3 (5) dec ecx (2) jnz (2) call (5) jmp short (2) ret (1)
        assertEquals(17, y.bytes().length());
        assertEquals(List.of(new Symbol("main", o, 16), new Symbol("helper", o + 16, 1)), y.symbols());
    }

    @Test
    void aScriptedRunOfTheProgram() throws Exception {
        YasmProgram y = YasmProgram.assemble(LOOP, tmp);
        long jnz = y.label("main.again") + 2;
        Program p = y.toProgram().start(CpuStart.kernel(y.label("main")))
                .behaviour(Behaviour.builder().branch(jnz, BranchScript.loop(3)).build()).build();
        SimulatedTrace t = SimulatedTrace.builder().program(p).maxInstructions(20).run();
        List<Long> ips = t.groundTruth().instructions(0, CplFilter.BOTH).stream().map(Executed::ip).toList();
        long m = y.label("main");
        List<Long> pass = List.of(m, m + 5, m + 7, m + 5, m + 7, m + 5, m + 7, m + 9, m + 16, m + 14);
        assertEquals(pass, ips.subList(0, 10));
        assertEquals(pass, ips.subList(10, 20));
    }

    @Test
    void anErrorNamesItsSourceLine() {
        YasmException e = assertThrows(YasmException.class,
                () -> YasmProgram.assemble("bits 64\norg 0x1000\n nop\n bogus rax\n", tmp));
        assertEquals(4, e.line());
    }
}
