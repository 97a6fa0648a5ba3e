package dev.textpoke.patcher;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs races and cost measurements, each in a child process of its own: the driver executable
 * for the requested architecture, under {@code qemu-aarch64} when that is not the host's (the
 * result is then labelled emulated). A naive race executes torn instructions on purpose; in a
 * child, the worst it can do is die, which this class reports as an error.
 *
 * <p>Why a native driver rather than a child JVM using the JNA binding: the aarch64 build has to
 * run under qemu-user, where no JVM is available; the child's address space then holds only the
 * experiment's threads, so membarrier's IPIs go to executors and not to JIT or GC threads; and
 * it starts in milliseconds. The binding ({@link PatcherLibrary}) still defines the structs the
 * two processes exchange, and serves the calls that are safe in the JVM.
 */
public final class Patcher implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(120);
    private static final Duration UNLIMITED_RACE = Duration.ofHours(1);

    private final PatcherLibrary library;
    private final DriverFiles files = new DriverFiles();
    private final Arch host;

    private Patcher(PatcherLibrary library, Arch host) {
        this.library = library;
        this.host = host;
    }

    /** Loads the library for this JVM's architecture. */
    public static Patcher open() throws PatcherException {
        Arch host = Arch.host();
        if (host == null) {
            throw new PatcherException(PatcherException.Kind.UNSUPPORTED, "the native patcher runs on"
                    + " x86-64 and aarch64, not on " + System.getProperty("os.arch"));
        }
        return new Patcher(PatcherLibrary.load(), host);
    }

    public PatcherLibrary library() {
        return library;
    }

    public Arch hostArch() {
        return host;
    }

    /** Runs one race in a child process; the result may violate the protocol's guarantee. */
    public RaceResult race(RaceSpec spec, ProgressListener progress) throws PatcherException {
        if (!spec.protocol().runsOn(spec.arch())) {
            throw new PatcherException(PatcherException.Kind.INVALID, "protocol " + spec.protocol().label()
                    + " does not exist on " + spec.arch().label() + " (it has " + labels(spec.arch()) + ")");
        }
        Duration timeout = (spec.maxNanos() > 0 ? Duration.ofNanos(spec.maxNanos()) : UNLIMITED_RACE)
                .plus(GRACE);
        byte[] out = DriverRun.run(command(spec.arch(), "race", spec.denyMembarrier()),
                library.encode(spec, progress != ProgressListener.NONE), timeout, progress);
        return library.decodeRace(out, spec, emulated(spec.arch()));
    }

    /** Times the barriers in a child process. */
    public CostResult cost(CostSpec spec) throws PatcherException {
        // Four methods per point, plus warm-up; a call costs microseconds, a slow one a millisecond.
        Duration timeout = Duration.ofMillis(5L * spec.calls() * spec.threads().size()).plus(GRACE);
        byte[] out = DriverRun.run(command(spec.arch(), "cost", spec.denyMembarrier()),
                library.encode(spec), timeout, ProgressListener.NONE);
        return library.decodeCost(out, emulated(spec.arch()));
    }

    public boolean emulated(Arch arch) {
        return arch != host;
    }

    private List<String> command(Arch arch, String verb, String deny) throws PatcherException {
        List<String> cmd = new ArrayList<>();
        if (emulated(arch)) {
            if (arch != Arch.AARCH64) {
                throw new PatcherException(PatcherException.Kind.UNSUPPORTED,
                        "cannot run " + arch.label() + " code on " + host.label());
            }
            Path qemu = onPath("qemu-aarch64");
            if (qemu == null) {
                throw new PatcherException(PatcherException.Kind.UNSUPPORTED, "running aarch64 on "
                        + host.label() + " needs qemu-aarch64 (apt-get install qemu-user)");
            }
            if (deny != null) {
                throw new PatcherException(PatcherException.Kind.UNSUPPORTED, "--deny-membarrier needs"
                        + " a seccomp filter, which qemu-user does not emulate: use it on the host"
                        + " architecture");
            }
            cmd.add(qemu.toString());
        }
        cmd.add(files.driver(arch).toString());
        cmd.add(verb);
        if (deny != null) {
            cmd.add("--deny-membarrier");
            cmd.add(deny);
        }
        return cmd;
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static String labels(Arch arch) {
        return String.join(", ", Protocol.of(arch).stream().map(Protocol::label).toList());
    }

    @Override
    public void close() {
        files.close();
    }
}
