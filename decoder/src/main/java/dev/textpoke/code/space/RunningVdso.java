package dev.textpoke.code.space;

import dev.textpoke.io.Bytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * This process's vDSO, copied to a file: the kernel gives every process the same one, so when the
 * recorded vDSO's build id is this kernel's, its symbols are this one's (perf does the same,
 * tools/perf/util/vdso.c).
 */
final class RunningVdso {
    /** A vDSO is two or three pages; anything larger is not one. */
    private static final long MAX = 1 << 20;

    private RunningVdso() {}

    /** A temporary copy of the running vDSO when its build id is {@code buildId} (null: any), else null. */
    static Path copyIf(Bytes buildId) {
        try {
            long start = -1;
            long end = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                if (line.endsWith("[vdso]")) {
                    String[] range = line.substring(0, line.indexOf(' ')).split("-");
                    start = Long.parseUnsignedLong(range[0], 16);
                    end = Long.parseUnsignedLong(range[1], 16);
                }
            }
            if (start < 0 || end - start <= 0 || end - start > MAX) {
                return null;
            }
            ByteBuffer b = ByteBuffer.allocate((int) (end - start));
            try (FileChannel mem = FileChannel.open(Path.of("/proc/self/mem"), StandardOpenOption.READ)) {
                while (b.hasRemaining() && mem.read(b, start + b.position()) > 0) {
                    // fill
                }
            }
            // Not Files.createTempFile: its random name starts SecureRandom and the security
            // providers, 90 classes and some 5 ms of a short command's start. A name of this
            // process's own, created new (never an existing file), is as safe.
            Path copy = Path.of(System.getProperty("java.io.tmpdir"),
                    "textpoke-vdso-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".so");
            Files.write(copy, b.array(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            copy.toFile().deleteOnExit();
            if (buildId == null || ObjectFile.hasBuildId(copy, buildId)) {
                return copy;
            }
            Files.deleteIfExists(copy);
        } catch (IOException | RuntimeException e) {
            // no vDSO to be had: its addresses stay unnamed
        }
        return null;
    }
}
