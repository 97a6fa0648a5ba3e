package dev.textpoke.cli.code;

import dev.textpoke.code.space.ObjectFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the files that user-space code was mapped from are looked for, as perf looks: perf's
 * build-id cache, then the recorded path, under {@code --symfs} instead of {@code /} when given. A picocli mixin of the
 * commands that read user-space code or name it ({@code decode}, {@code branches}, {@code
 * profile}, {@code samples}).
 */
public final class MappedFileOptions {
    @Option(names = "--symfs", paramLabel = "DIR", description = "Look for the files user-space code was mapped"
            + " from, and their debug files, under DIR instead of /, as perf's --symfs (a recording's binaries"
            + " copied to another machine).")
    Path symfs;

    @Option(names = "--buildid-dir", paramLabel = "DIR", description = "perf's build-id cache, where perf record"
            + " copies the binaries (and the kernel's kallsyms) it saw (default: $PERF_BUILDID_DIR, else ~/.debug).")
    Path buildIdDir;

    /** perf's defaults with the options given. */
    public ObjectFiles.Config config() {
        ObjectFiles.Config c = ObjectFiles.Config.defaults();
        if (buildIdDir != null) {
            c = c.withBuildIdDir(buildIdDir);
        }
        if (symfs != null) {
            c = c.withSymfs(symfs);
        }
        return c;
    }
}
