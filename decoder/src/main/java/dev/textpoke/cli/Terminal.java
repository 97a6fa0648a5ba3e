package dev.textpoke.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a standard stream of this process is a terminal. Java has no {@code isatty(3)}: {@code
 * System.console()} needs stdin and stdout on a terminal too, so it says "no" for {@code textpoke
 * dump big.data > out.txt}, where progress on stderr is exactly what the user wants. On Linux the
 * descriptor's link in {@code /proc/self/fd} names the device; terminals are the pseudo-terminals
 * ({@code /dev/pts/N}), virtual consoles ({@code /dev/ttyN}), serial lines ({@code /dev/ttyS0})
 * and {@code /dev/console}.
 */
public final class Terminal {
    /** File descriptor of standard error. */
    public static final int STDERR = 2;

    private Terminal() {}

    /** True when file descriptor {@code fd} of this process is a terminal; false when unknown. */
    public static boolean isTerminal(int fd) {
        try {
            return isTerminalDevice(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Whether a device path names a terminal. */
    static boolean isTerminalDevice(String device) {
        return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
    }
}
