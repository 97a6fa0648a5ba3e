package dev.textpoke.cli.scenario;

import dev.textpoke.cli.ExitStatus;
import dev.textpoke.cli.format.ScenarioHtml;
import dev.textpoke.cli.format.ScenarioJson;
import dev.textpoke.cli.format.ScenarioText;
import dev.textpoke.scenario.ProtocolResult;
import dev.textpoke.scenario.RunOptions;
import dev.textpoke.scenario.ScenarioRunner;
import dev.textpoke.scenario.perf.PerfScript;
import dev.textpoke.scenario.protocol.Protocol;
import dev.textpoke.scenario.spec.Scenario;
import dev.textpoke.scenario.spec.ScenarioParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code textpoke scenario run FILE...}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs each scenario file under its protocols (the file's \"protocols\", else x86-int3), or"
                + " under those given, and prints per CPU: instructions executed, decoded, wrong, ambiguous, missed,"
                + " desyncs, for textpoke with replay on and off and for perf; breakpoint hits, torn and stale"
                + " executions; arm64 windows and how many the trace resolved; and each wrong or ambiguous stretch"
                + " with its site and protocol phase."})
public final class ScenarioRunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Scenario files (JSON, docs/scenarios.md).")
    List<Path> files;

    @Option(names = "--protocol", paramLabel = "NAME", description = "Run under this protocol (repeatable): x86-int3,"
            + " x86-naive, user-membarrier, user-no-membarrier, arm64-nosync, arm64-stop-machine, arm64-brk.")
    List<String> protocols;

    @Option(names = "--all-protocols", description = "Run under every protocol and print one table per scenario.")
    boolean all;

    @Option(names = "--json", description = "One JSON object per protocol, decoder, replay setting and CPU.")
    boolean json;

    @Option(names = "--no-perf", description = "Do not decode the x86 perf.data with perf 6.1.")
    boolean noPerf;

    @Option(names = "--html", paramLabel = "OUT", description = "Write one self-contained page per scenario: the scores,"
            + " each site's state and the protocol's phases over time, each CPU's decode marked right, wrong, ambiguous"
            + " or missed. OUT is the page for one scenario file, a directory (NAME.html) for several.")
    Path html;

    @Option(names = "--keep", paramLabel = "DIR", description = "Keep the perf.data directories written for x86 kernel"
            + " runs in DIR (SCENARIO-PROTOCOL.data).")
    Path keep;

    @Override
    public Integer call() throws IOException {
        if (all && protocols != null) {
            throw new ParameterException(spec.commandLine(), "--all-protocols and --protocol exclude each other");
        }
        List<Protocol> chosen = new ArrayList<>();
        if (protocols != null) {
            for (String n : protocols) {
                Protocol p = Protocol.byName(n);
                if (p == null) {
                    throw new ParameterException(spec.commandLine(), "no protocol " + n + " (" + String.join(", ",
                            Protocol.names()) + ")");
                }
                chosen.add(p);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean perf = !noPerf && PerfScript.available();
        if (!noPerf && !perf) {
            err.println("textpoke scenario: perf is not installed (Debian package linux-perf): perf's decode is left out");
        }
        RunOptions options = new RunOptions(perf, keep);
        for (Path f : files) {
            Scenario s = ScenarioParser.read(f);
            List<Protocol> ps = all ? Protocol.all().stream().filter(p -> ScenarioRunner.applies(s, p)).toList()
                    : !chosen.isEmpty() ? chosen
                    : s.protocols().isEmpty() ? List.of(Protocol.byName("x86-int3")) : ScenarioRunner.protocols(s);
            List<ProtocolResult> results = new ArrayList<>();
            for (Protocol p : ps) {
                ProtocolResult r = ScenarioRunner.run(s, p, options);
                results.add(r);
                if (json) {
                    ScenarioJson.lines(r).forEach(out::println);
                } else if (!all) {
                    out.print(ScenarioText.run(r));
                }
                out.flush();
            }
            if (all && !json) {
                out.print(ScenarioText.table(results));
                out.flush();
            }
            if (html != null) {
                Path page = files.size() == 1 ? html : html.resolve(s.name() + ".html");
                if (page.getParent() != null) {
                    java.nio.file.Files.createDirectories(page.getParent());
                }
                java.nio.file.Files.writeString(page, ScenarioHtml.page(results), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return ExitStatus.OK;
    }
}
