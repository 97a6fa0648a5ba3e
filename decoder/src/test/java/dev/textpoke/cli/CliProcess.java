package dev.textpoke.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line as a separate process, for what only a real process shows: a closed pipe, a
 * terminal on stderr, the exit status the shell sees. It runs {@link Main} on this JVM's class
 * path (Surefire's, which names every module's classes and the dependencies).
 */
public final class CliProcess {
    private CliProcess() {}

    /** {@code java -cp CLASSPATH dev.textpoke.cli.Main ARGS}. */
    public static List<String> command(String... args) {
        List<String> c = new ArrayList<>();
        c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        c.add("-XX:TieredStopAtLevel=1");
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add(Main.class.getName());
        c.addAll(List.of(args));
        return c;
    }

    /** The same command as one shell-quoted string, for {@code bash -c} and {@code script -c}. */
    public static String shell(String... args) {
        StringBuilder sb = new StringBuilder();
        for (String a : command(args)) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append('\'').append(a.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }

    /** The class path entries, to check that a subprocess can start at all. */
    static List<File> classPath() {
        List<File> out = new ArrayList<>();
        for (String s : System.getProperty("java.class.path").split(File.pathSeparator)) {
            out.add(new File(s));
        }
        return out;
    }
}
