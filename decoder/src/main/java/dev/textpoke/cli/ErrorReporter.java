package dev.textpoke.cli;

import dev.textpoke.io.InputFormatException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions escaping a command into one line on stderr and an exit status: bad input never
 * shows a stack trace, nor the usage (that is for a malformed command line: {@link UsageErrors}).
 * Set {@code TEXTPOKE_DEBUG=1} to see the trace of internal errors.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        var err = cl.getErr();
        if (t instanceof OutputClosedException closed) {
            if (closed.brokenPipe()) {
                return ExitStatus.CLOSED_OUTPUT;
            }
            err.println("textpoke: cannot write the output: " + closed.getMessage());
            return ExitStatus.OUTPUT_ERROR;
        }
        if (t instanceof CommandError e) {
            err.println("textpoke: " + e.getMessage());
            return ExitStatus.BAD_INPUT;
        }
        if (t instanceof InputFormatException f) {
            err.println("textpoke: " + f.getMessage());
            return ExitStatus.BAD_INPUT;
        }
        if (t instanceof NoSuchFileException || t instanceof FileNotFoundException) {
            err.println("textpoke: " + name(t.getMessage()) + ": no such file");
            return ExitStatus.BAD_INPUT;
        }
        if (t instanceof AccessDeniedException) {
            err.println("textpoke: " + name(t.getMessage()) + ": permission denied");
            return ExitStatus.BAD_INPUT;
        }
        if (t instanceof IOException) {
            err.println("textpoke: " + t.getMessage());
            return ExitStatus.BAD_INPUT;
        }
        if (t instanceof InvalidPathException p) {
            // The JVM encodes file names in the locale's charset: ASCII under LC_ALL=C.
            err.println("textpoke: " + p.getInput() + ": this file name cannot be encoded in the locale's"
                    + " character set (" + System.getProperty("sun.jnu.encoding") + "): run with a UTF-8 locale,"
                    + " e.g. LC_ALL=C.UTF-8");
            return ExitStatus.BAD_INPUT;
        }
        err.println("textpoke: internal error: " + t);
        if (System.getenv("TEXTPOKE_DEBUG") != null) {
            t.printStackTrace(err);
        } else {
            err.println("textpoke: run with TEXTPOKE_DEBUG=1 for the stack trace, and please report it");
        }
        return ExitStatus.INTERNAL;
    }

    /** A file name as given; an empty one is shown as {@code ""} so that the line still says something. */
    private static String name(String file) {
        return file == null || file.isEmpty() ? "\"\"" : file;
    }
}
