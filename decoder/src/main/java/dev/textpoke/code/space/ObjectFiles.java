package dev.textpoke.code.space;

import dev.textpoke.io.Bytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds the file behind a mapping on this machine, where perf looks for it (tools/perf/util/
 * build-id.c, symbol.c {@code dso__load}), and keeps one {@link ObjectFile} per file name and
 * build id:
 *
 * <ul>
 *   <li>with a build id: perf's build-id cache ({@code ~/.debug/.build-id/ab/cdef...}, linking
 *       to {@code ~/.debug/NAME/BUILDID/} with the copy perf record made, {@code elf}, or {@code
 *       vdso}: the only place the vDSO is), then the mapped path if its build id is the same;
 *       symbols preferably from a separate debug file ({@code debug} in the cache, or {@code
 *       /usr/lib/debug/.build-id/ab/cdef....debug}, as Debian's {@code -dbg} packages install
 *       them);
 *   <li>without one: the mapped path, if it exists (it may have changed since the recording).
 * </ul>
 *
 * With {@code --symfs DIR} the mapped paths and the debug directories are looked up under DIR
 * instead of {@code /}, and nowhere else, as perf joins them with its {@code symfs} (perf's
 * build-id cache is not under it, and this machine's vDSO is not taken).
 *
 * The vDSO, when perf's cache does not have it, is this process's own when its build id is the
 * recorded one (perf does the same, {@code vdso__dso_findnew}). Names that are not files ({@code
 * //anon}, {@code [heap]}, {@code [stack]}, {@code (deleted)} files) get an object without a file:
 * a name and no symbols.
 */
public final class ObjectFiles {
    /**
     * Where perf keeps its build-id cache, and where debug files are installed; {@code symfs}
     * (or null), the directory mapped paths and debug directories are looked up under instead of
     * {@code /}, as perf's {@code --symfs}.
     */
    public record Config(Path buildIdDir, List<Path> debugDirs, Path symfs) {
        public Config {
            debugDirs = List.copyOf(debugDirs);
        }

        public Config(Path buildIdDir, List<Path> debugDirs) {
            this(buildIdDir, debugDirs, null);
        }

        /**
         * perf's defaults: {@code $PERF_BUILDID_DIR}, else {@code ~/.debug}; {@code
         * /usr/lib/debug}.
         */
        public static Config defaults() {
            String env = System.getenv("PERF_BUILDID_DIR");
            Path dir = env != null && !env.isEmpty() ? Path.of(env)
                    : Path.of(System.getProperty("user.home", "/"), ".debug");
            return new Config(dir, List.of(Path.of("/usr/lib/debug")));
        }

        public Config withBuildIdDir(Path dir) {
            return new Config(dir, debugDirs, symfs);
        }

        public Config withSymfs(Path dir) {
            return new Config(buildIdDir, debugDirs, dir);
        }
    }

    private static final String VDSO = "[vdso]";
    /** A JIT's symbol map ({@code START SIZE name} per line), which perf names anonymous code after. */
    private static final java.util.regex.Pattern PERF_MAP = java.util.regex.Pattern.compile("/tmp/perf-\\d+\\.map");

    /**
     * A name and a build id. Not a record: a record's first hashCode links its call site through
     * java.lang.runtime.ObjectMethods, which spins a dozen method-handle classes, some 10 ms of a
     * short command's start at its first named frame (-Xlog:class+load).
     */
    private static final class Key {
        final String name;
        final Bytes buildId;

        Key(String name, Bytes buildId) {
            this.name = name;
            this.buildId = buildId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && name.equals(k.name) && Objects.equals(buildId, k.buildId);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Objects.hashCode(buildId);
        }
    }

    private final Config config;
    private final Map<Key, ObjectFile> found = new HashMap<>();

    public ObjectFiles(Config config) {
        this.config = Objects.requireNonNull(config);
    }

    public Config config() {
        return config;
    }

    /** The object a mapping maps (found once per name and build id). */
    public ObjectFile of(Mapping m) {
        return of(m.name(), m.buildId());
    }

    /** The object named {@code name} (a path or a special name) with build id {@code buildId} (or null). */
    public ObjectFile of(String name, Bytes buildId) {
        return found.computeIfAbsent(new Key(name, buildId), k -> {
            try {
                return locate(k.name, k.buildId);
            } catch (java.nio.file.InvalidPathException e) {
                // A name this JVM cannot make a path of: not UTF-8 (a damaged record), or not
                // ASCII under the C locale, where the JVM encodes file names as ASCII. Its code
                // stays unnamed, as a file that is not there.
                return new ObjectFile(name, null, null);
            }
        });
    }

    private ObjectFile locate(String name, Bytes buildId) {
        if (PERF_MAP.matcher(name).matches()) {
            return ObjectFile.perfMap(name, Path.of(name));
        }
        Path file = null;
        Path symbols = null;
        Path mapped = name.startsWith("/") ? onHost(name) : null;
        if (buildId != null && !buildId.isEmpty()) {
            String hex = HexFormat.of().formatHex(buildId.toArray());
            String dir = hex.substring(0, 2);
            String rest = hex.substring(2);
            if (config.buildIdDir() != null) {
                // .build-id/ab/cdef... links to NAME/BUILDID/, which holds elf (vdso for the vDSO)
                // and maybe debug; older perfs linked to the file itself.
                Path cached = config.buildIdDir().resolve(".build-id").resolve(dir).resolve(rest);
                if (Files.isDirectory(cached)) {
                    for (String f : new String[] {"elf", "vdso"}) {
                        if (file == null && Files.isRegularFile(cached.resolve(f))) {
                            file = cached.resolve(f);
                        }
                    }
                    if (Files.isRegularFile(cached.resolve("debug"))) {
                        symbols = cached.resolve("debug");
                    }
                } else if (Files.isRegularFile(cached)) {
                    file = cached;
                }
            }
            if (file == null && mapped != null && Files.isRegularFile(mapped) && ObjectFile.hasBuildId(mapped, buildId)) {
                file = mapped;
            }
            if (symbols == null) {
                symbols = debugFile(buildId);
            }
            if (file == null && name.equals(VDSO) && config.symfs() == null) {
                file = RunningVdso.copyIf(buildId);
            }
        } else if (name.equals(VDSO)) {
            // No build id recorded: perf takes the running kernel's vDSO, and so does this. Under
            // --symfs perf looks for its copy of it there, and finds none.
            file = config.symfs() == null ? RunningVdso.copyIf(null) : null;
        } else if (mapped != null && !name.endsWith(" (deleted)") && Files.isRegularFile(mapped)) {
            file = mapped;
            // The file's own build id finds its debug file, as perf reads it when the recording had none.
            Bytes own = ObjectFile.buildIdOf(file);
            if (own != null) {
                symbols = debugFile(own);
            }
        }
        return new ObjectFile(name, file, symbols != null ? symbols : file);
    }

    /** An absolute path of the recording's machine on this one: under {@code --symfs} when given. */
    private Path onHost(String absolute) {
        return config.symfs() == null ? Path.of(absolute) : config.symfs().resolve(absolute.substring(1));
    }

    /** The separate debug file for a build id in the configured debug directories, or null. */
    private Path debugFile(Bytes buildId) {
        String hex = HexFormat.of().formatHex(buildId.toArray());
        for (Path dir : config.debugDirs()) {
            Path d = dir.isAbsolute() ? onHost(dir.toString()) : dir;
            Path debug = d.resolve(".build-id").resolve(hex.substring(0, 2)).resolve(hex.substring(2) + ".debug");
            if (Files.isRegularFile(debug)) {
                return debug;
            }
        }
        return null;
    }

    /** Closes the files opened for their bytes. */
    public void close() {
        for (ObjectFile f : found.values()) {
            try {
                f.close();
            } catch (java.io.IOException e) {
                // closing a read-only file: nothing to lose
            }
        }
    }
}
