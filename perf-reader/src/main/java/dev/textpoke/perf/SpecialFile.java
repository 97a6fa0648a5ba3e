package dev.textpoke.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What kind of special file a path is, from its mode bits ({@code S_IFMT} of stat(2)). */
final class SpecialFile {
    static final String FIFO = "FIFO";

    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFSOCK = 0140000;

    private SpecialFile() {}

    /** {@link #FIFO}, "character device", "block device", "socket" or "special file". */
    static String kind(Path p) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(p, "unix:mode");
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return "special file";
        }
        return switch (mode & S_IFMT) {
            case S_IFIFO -> FIFO;
            case S_IFCHR -> "character device";
            case S_IFBLK -> "block device";
            case S_IFSOCK -> "socket";
            default -> "special file";
        };
    }
}
