package dev.textpoke.pt.cases;

import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * textpoke's flow decoder over every case of {@code decoder/src/test/ptcases/}: the instructions
 * it reconstructs and the errors it reports must be the case's expected flow (which {@link
 * PtCasesTest} checks against libipt), line for line, projected onto what both decoders report
 * ({@link TextpokeFlow#project}); or, in a case that documents a deliberate difference, its {@code
 * ;>textpoke-flow} lines.
 */
class TextpokeFlowCasesTest {
    @TempDir
    static Path tmp;
    static InstructionClassifier classifier;

    @BeforeAll
    static void open() {
        classifier = InstructionClassifier.open(Isa.X86_64);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    @TestFactory
    Stream<DynamicTest> everyCase() {
        return PtCase.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), c.file().toUri(), () -> {
            PtCase.Built b = c.build(tmp);
            List<String> expected = c.textpokeFlow().isEmpty()
                    ? TextpokeFlow.project(c.expectedFlow().stream().map(b::substitute).toList())
                    : c.textpokeFlow().stream().map(b::substitute).toList();
            List<String> ours = new TextpokeFlow(classifier).flow(b);
            PtCasesTest.assertLines(c.name() + ": textpoke's flow", expected, ours);
        }));
    }
}
