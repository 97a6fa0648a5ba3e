package dev.textpoke.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * A malformed command line (unknown option, missing or unconvertible argument): the problem, the
 * command's synopsis and where the full help is, as GNU tools do, in a few lines rather than the
 * whole help text. Exit status 2.
 */
final class UsageErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println(name + ": " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        String heading = "Usage: ";
        // the heading's length, so that the synopsis' continuation lines line up under its first
        err.print(heading + cl.getHelp().synopsis(heading.length()));
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return ExitStatus.BAD_INPUT;
    }
}
