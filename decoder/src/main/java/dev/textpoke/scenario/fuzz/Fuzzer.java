package dev.textpoke.scenario.fuzz;

import dev.textpoke.scenario.DecoderResult;
import dev.textpoke.scenario.ProtocolResult;
import dev.textpoke.scenario.RunOptions;
import dev.textpoke.scenario.ScenarioRunner;
import dev.textpoke.scenario.protocol.Protocol;
import dev.textpoke.scenario.score.CpuScore;
import dev.textpoke.scenario.spec.Scenario;
import dev.textpoke.scenario.spec.ScenarioFileException;
import dev.textpoke.scenario.spec.ScenarioWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Runs random scenarios ({@link RandomScenario}) under a protocol and reports each whose decode
 * with replay is wrong: a decoded instruction not what ran, an executed one not decoded, or a
 * desynchronisation. Each failure is shrunk ({@link Shrinker}) and saved as a scenario file.
 */
public final class Fuzzer {
    /** What one random scenario gave. */
    public record Case(long seed, Scenario scenario, boolean failed, String detail, Scenario shrunk, Path saved) {
        /** Whether the scenario could not be run (the detail says why): neither passed nor failed. */
        public boolean skipped() {
            return !failed && detail != null;
        }
    }

    /** A run's verdict: right (both null), wrong ({@code failure}), or not runnable ({@code invalid}). */
    record Verdict(String failure, String invalid) {}

    private Fuzzer() {}

    /** Whether the decode with replay of {@code r} is wrong anywhere, and where (null when it is right). */
    public static String failure(ProtocolResult r) {
        DecoderResult d = r.decode("textpoke", true);
        for (CpuScore s : d.cpus()) {
            if (s.wrong() > 0 || s.missed() > 0 || s.desyncs() > 0) {
                return "cpu " + s.cpu() + ": " + s.wrong() + " wrong, " + s.missed() + " missed, " + s.desyncs() + " desyncs"
                        + (s.runs().isEmpty() ? "" : "; first at tsc " + s.runs().get(0).tsc() + " (" + s.runs().get(0).site()
                                + ", " + s.runs().get(0).phase() + ")");
            }
        }
        return null;
    }

    /**
     * Runs seeds {@code first} to {@code first + count - 1} under {@code p}, saving shrunk failures in
     * {@code out} (created when needed), reporting each case to {@code report} as it is done.
     */
    public static int run(Protocol p, long first, int count, Path out, int shrinkBudget, Consumer<Case> report)
            throws IOException {
        int failures = 0;
        for (long seed = first; seed < first + count; seed++) {
            Scenario s = RandomScenario.generate(seed, p);
            Verdict v = tryRun(s, p);
            if (v.failure() == null) {
                report.accept(new Case(seed, s, false, v.invalid(), null, null));
                continue;
            }
            failures++;
            Scenario shrunk = Shrinker.shrink(s, c -> tryRun(c, p).failure() != null, shrinkBudget);
            Files.createDirectories(out);
            Path file = out.resolve("fuzz-" + seed + "-" + p.name() + ".json");
            Files.writeString(file, ScenarioWriter.write(shrunk), StandardCharsets.UTF_8);
            report.accept(new Case(seed, s, true, tryRun(shrunk, p).failure(), shrunk, file));
        }
        return failures;
    }

    /** Runs {@code s} under {@code p}: its failure, or why it could not run. */
    static Verdict tryRun(Scenario s, Protocol p) {
        try {
            return new Verdict(failure(ScenarioRunner.run(s, p, RunOptions.defaults())), null);
        } catch (ScenarioFileException e) {
            return new Verdict(null, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
