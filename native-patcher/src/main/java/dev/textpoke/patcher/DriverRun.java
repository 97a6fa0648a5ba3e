package dev.textpoke.patcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the driver as a child process: writes the config struct to its stdin, reads the result
 * struct from its stdout, and turns "progress DONE TOTAL" lines on its stderr into progress.
 * Whatever the child does (a torn instruction outside the harness, a hang), this process only
 * sees an exit status.
 */
final class DriverRun {
    private static final int MAX_RESULT_BYTES = 1 << 16;
    private static final int KEPT_STDERR_LINES = 20;

    private DriverRun() {}

    static byte[] run(List<String> command, byte[] input, Duration timeout, ProgressListener progress)
            throws PatcherException {
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new PatcherException(PatcherException.Kind.UNSUPPORTED,
                    "cannot start " + command.get(0) + ": " + e.getMessage());
        }
        List<String> diagnostics = new ArrayList<>();
        Thread stderr = new Thread(() -> readStderr(p.getErrorStream(), progress, diagnostics),
                "textpoke-patcher-stderr");
        stderr.setDaemon(true);
        stderr.start();
        byte[][] out = new byte[1][];
        IOException[] outError = new IOException[1];
        Thread stdout = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                out[0] = in.readNBytes(MAX_RESULT_BYTES);
            } catch (IOException e) {
                outError[0] = e;
            }
        }, "textpoke-patcher-stdout");
        stdout.setDaemon(true);
        stdout.start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(input);
            } catch (IOException e) {
                // The child exited before reading its config; its status says why.
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw new PatcherException(PatcherException.Kind.CHILD_FAILED,
                        "the patcher driver did not finish within " + timeout.toSeconds()
                                + " s and was killed");
            }
            stdout.join();
            stderr.join();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new PatcherException(PatcherException.Kind.CHILD_FAILED, "interrupted");
        }
        int status = p.exitValue();
        if (status != 0) {
            String last;
            synchronized (diagnostics) {
                last = diagnostics.isEmpty() ? "" : ": " + String.join(" / ", diagnostics);
            }
            throw new PatcherException(PatcherException.Kind.CHILD_FAILED, status > 128
                    ? "the patcher driver died of signal " + (status - 128) + signalMeaning(status - 128) + last
                    : "the patcher driver exited with status " + status + last);
        }
        if (outError[0] != null || out[0] == null) {
            throw new PatcherException(PatcherException.Kind.CHILD_FAILED,
                    "cannot read the patcher driver's result"
                            + (outError[0] != null ? ": " + outError[0].getMessage() : ""));
        }
        return out[0];
    }

    /** A fault outside the executors' handlers is the harness's bug; other signals came from outside. */
    private static String signalMeaning(int signal) {
        return switch (signal) {
            case 4, 5, 6, 7, 11 -> " (a bug in the harness, not a result)";
            default -> " (killed from outside)";
        };
    }

    private static void readStderr(InputStream err, ProgressListener progress, List<String> keep) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("progress ")) {
                    String[] f = line.split(" ");
                    if (f.length == 3) {
                        try {
                            progress.progress(Long.parseLong(f[1]), Long.parseLong(f[2]));
                            continue;
                        } catch (NumberFormatException e) {
                            // not ours: keep it as a diagnostic
                        }
                    }
                }
                synchronized (keep) {
                    if (keep.size() < KEPT_STDERR_LINES) {
                        keep.add(line.strip());
                    }
                }
            }
        } catch (IOException e) {
            // The child is gone; its exit status tells the rest.
        }
    }
}
