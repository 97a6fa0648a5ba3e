package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.textpoke.perf.oracle.PerfTool;
import dev.textpoke.perf.oracle.TraceFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --call-graph lbr}: perf takes a sample's user frames from its LBR call stack (the newest
 * entry's target, then every entry's source), not from the recorded chain, which holds only the
 * sampled IP there. perfparser's real recording of a static program, against perf 6.1's default
 * {@code perf script} output, sample by sample. Where a sample's stack is empty (perf's own {@code
 * -F brstack} prints no entry), perf 6.1 reads one entry past it and prints what it finds as a
 * last frame; textpoke prints none.
 */
class SamplesLbrCallStackTest {
    private static final Path FILE = TraceFiles.root()
            .resolve("../shared/external-traces/perfparser/tests/auto/perfdata/vector_static_gcc/perf.lbr.data");

    @TempDir
    Path tmp;

    /** The samples of perf script's text, one block of lines each (a header and its frames). */
    static List<List<String>> blocks(List<String> lines) {
        List<List<String>> out = new ArrayList<>();
        List<String> cur = null;
        for (String l : lines) {
            if (l.isEmpty()) {
                cur = null;
            } else if (!l.startsWith("\t")) {
                cur = new ArrayList<>();
                cur.add(l);
                out.add(cur);
            } else {
                cur.add(l);
            }
        }
        return out;
    }

    @Test
    void theUserFramesComeFromTheCallStackAsPerfTakesThem() throws Exception {
        PerfTool perf = PerfTool.in(tmp);
        PerfTool.Result p = perf.run("script", "--ns", "-i", FILE.toString());
        assertEquals(0, p.status(), p.err());
        PerfTool.Result stacks = perf.run("script", "--ns", "-F", "brstack", "-i", FILE.toString());
        assertEquals(0, stacks.status(), stacks.err());
        CliRun r = CliRun.of("samples", FILE.toString());
        assertEquals(ExitStatus.OK, r.status(), r.err());
        List<List<String>> perfs = blocks(p.out());
        List<List<String>> ours = blocks(r.out().lines().toList());
        assertEquals(perfs.size(), ours.size());
        assertEquals(perfs.size(), stacks.out().size());
        int fromStack = 0;
        for (int i = 0; i < perfs.size(); i++) {
            List<String> expected = perfs.get(i);
            if (!stacks.out().get(i).contains("/")) {
                // an empty stack: perf's last frame is the entry it read past the stack
                expected = expected.subList(0, expected.size() - 1);
            } else {
                fromStack++;
            }
            assertEquals(expected, ours.get(i), "sample " + (i + 1));
        }
        assertTrue(fromStack >= 20, "samples with a call stack: " + fromStack);
        // a user frame only the call stack has: the caller of the sampled function
        assertTrue(r.out().contains("\t           17a53 [unknown] ("), r.out().substring(0, 2000));
    }

    @Test
    void jsonFramesAreTheTextsFrames() {
        CliRun text = CliRun.of("samples", FILE.toString());
        CliRun json = CliRun.of("samples", "--json", FILE.toString());
        assertEquals(ExitStatus.OK, json.status(), json.err());
        List<List<String>> blocks = blocks(text.out().lines().toList());
        List<String> objects = json.out().lines().filter(l -> l.contains("\"frames\"")).toList();
        assertEquals(blocks.size(), objects.size());
        for (int i = 0; i < blocks.size(); i++) {
            int frames = objects.get(i).split("\\{\"ip\"", -1).length - 1;
            assertEquals(blocks.get(i).size() - 1, frames, objects.get(i));
        }
        JsonSchemaTest.assertDocumented("samples", json.out());
    }
}
