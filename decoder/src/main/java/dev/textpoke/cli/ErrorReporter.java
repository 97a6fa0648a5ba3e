package dev.textpoke.cli;

import dev.textpoke.io.InputFormatException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions escaping a command into one line on stderr and an exit status: bad input never
 * shows a stack trace. Set {@code TEXTPOKE_DEBUG=1} to see the trace of internal errors.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        Throwable t = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        var err = cl.getErr();
        if (t instanceof InputFormatException f) {
            err.println("textpoke: " + f.getMessage());
            return ExitStatus.BAD_INPUT;
        }
        if (t instanceof NoSuchFileException || t instanceof FileNotFoundException) {
            err.println("textpoke: " + t.getMessage() + ": no such file");
            return ExitStatus.BAD_INPUT;
        }
        if (t instanceof AccessDeniedException) {
            err.println("textpoke: " + t.getMessage() + ": permission denied");
            return ExitStatus.BAD_INPUT;
        }
        if (t instanceof IOException) {
            err.println("textpoke: " + t.getMessage());
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
}
