package dev.textpoke.cli.scenario;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.format.JsonLine;
import dev.textpoke.scenario.fuzz.Fuzzer;
import dev.textpoke.scenario.protocol.Protocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code textpoke scenario fuzz}. */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = {"Runs random scenarios under a protocol and reports each whose decode with replay is wrong"
                + " (a decoded instruction not what ran, an executed one not decoded, a desynchronisation), shrunk"
                + " to a small scenario file saved in --out. Exit status 1 when any failed."})
public final class ScenarioFuzzCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--protocol", paramLabel = "NAME", defaultValue = "x86-int3",
            description = "The protocol (default: ${DEFAULT-VALUE}).")
    String protocol;

    @Option(names = "--count", paramLabel = "N", defaultValue = "20", description = "Scenarios to run (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "The first seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "fuzz-failures",
            description = "Where shrunk failing scenarios are saved (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--shrink", paramLabel = "N", defaultValue = "300",
            description = "Candidate scenarios tried while shrinking one failure (default: ${DEFAULT-VALUE}).")
    int shrink;

    @Option(names = "--json", description = "One JSON object per scenario: seed, protocol, failed, detail, saved.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Protocol p = Protocol.byName(protocol);
        if (p == null) {
            throw new ParameterException(spec.commandLine(), "no protocol " + protocol + " (" + String.join(", ",
                    Protocol.names()) + ")");
        }
        if (count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1");
        }
        PrintWriter o = spec.commandLine().getOut();
        int failures = Fuzzer.run(p, seed, count, out, shrink, c -> {
            if (json) {
                o.println(new JsonLine().put("seed", c.seed()).put("protocol", p.name()).put("failed", c.failed())
                        .put("detail", c.detail()).put("saved", c.saved() == null ? null : c.saved().toString()));
            } else if (c.failed()) {
                o.println("seed " + c.seed() + ": FAILED: " + c.detail() + "; shrunk to " + c.shrunk().cpus() + " CPUs, "
                        + c.shrunk().workload().functions().size() + " functions, " + c.shrunk().schedule().size()
                        + " schedule entries: " + c.saved());
            } else if (c.skipped()) {
                o.println("seed " + c.seed() + ": not run: " + c.detail());
            } else {
                o.println("seed " + c.seed() + ": decoded as it ran");
            }
            o.flush();
        });
        if (!json) {
            o.println(count + " random scenarios under " + p.name() + ": " + failures + " failed");
        }
        o.flush();
        return failures > 0 ? ExitStatus.FINDINGS : ExitStatus.OK;
    }
}
