package dev.textpoke.perf.write;

import dev.textpoke.perf.feature.Feature;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes a perf.data directory as {@code perf record --threads} and {@code --kcore} lay it out
 * ({@code tools/perf/util/data.c}): {@code data}, a file-mode perf.data with the events, the
 * features and the records perf synthesised; {@code data.N}, records only from offset 0 (one per
 * recording thread), announced by the DIR_FORMAT feature, which the writer adds when there are
 * such files and it was not given; and {@code kcore_dir/}, a copy of the kernel's code and
 * symbols.
 */
public final class PerfDirectoryWriter implements Closeable {
    /** {@code PERF_DIR_VERSION}: the DIR_FORMAT version of data.N files. */
    public static final long DIR_VERSION = 1;

    private final Path dir;
    private final ByteOrder order;
    private final PerfWriter.Options options;
    private final PerfWriter main;
    private final List<PerfWriter> parts = new ArrayList<>();

    private PerfDirectoryWriter(Path dir, ByteOrder order, PerfWriter.Options options) throws IOException {
        this.dir = dir;
        this.order = order;
        this.options = options;
        this.main = PerfWriter.file(dir.resolve("data"), order, options);
    }

    /** Creates {@code dir} (which must not hold a perf.data already) and its {@code data} file. */
    public static PerfDirectoryWriter create(Path dir, ByteOrder order, PerfWriter.Options options)
            throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) {
                throw new java.nio.file.FileAlreadyExistsException(dir.toString(), null, "not empty");
            }
        }
        return new PerfDirectoryWriter(dir, order, options);
    }

    public Path dir() {
        return dir;
    }

    /** The {@code data} file: events, features, and records of no particular thread. */
    public PerfWriter data() {
        return main;
    }

    /** A new {@code data.N} file, N counting from 0. */
    public PerfWriter newPart() throws IOException {
        PerfWriter w = PerfWriter.recordFile(dir.resolve("data." + parts.size()), order, options);
        parts.add(w);
        return w;
    }

    /** Copies a {@code kcore_dir} (kcore, kallsyms, modules) into the directory. */
    public void copyKcoreDir(Path kcoreDir) throws IOException {
        Path target = dir.resolve("kcore_dir");
        Files.createDirectories(target);
        try (Stream<Path> s = Files.list(kcoreDir)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isRegularFile(p)) {
                    Files.copy(p, target.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Closes every data.N file, then {@code data}. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (PerfWriter w : parts) {
            try {
                w.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        try {
            if (!parts.isEmpty() && !main.hasFeature(dev.textpoke.perf.feature.FeatureId.DIR_FORMAT.id())) {
                main.feature(new Feature.DirFormat(DIR_VERSION));
            }
            main.close();
        } catch (IOException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }
}
