package dev.textpoke.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command lines of the documentation, as docs/development.md ("Command lines in the
 * documentation") says they are written: a line of a fenced code block, or of a block indented by
 * four spaces, that starts, after an optional {@code $ }, with {@code ./textpoke }, with a script
 * of the repository ({@code bench/...}, {@code traces/...}, {@code ./run-tests}: an executable
 * file), or with {@code perf } (after {@code VAR=value} settings); a trailing {@code \} joins
 * the next line. After an unquoted {@code #}, a comment that may say {@code exit status N},
 * {@code takes minutes} or {@code needs PATH}; after a {@code $} line, its expected output, up to
 * a blank line, the next command or the end of the block, where a line {@code ...} stands for any
 * lines and {@code ...} inside a line for any text.
 */
record DocCommands() {
    /** How a command is run. */
    enum Mode {
        /** To its end; its status and any shown output checked. */
        RUN,
        /** A measurement that takes minutes: it must start and run a while without failing. */
        START,
    }

    /** What a command line runs. */
    enum Program {
        /** {@code ./textpoke}. */
        TEXTPOKE,
        /** A script of the repository. */
        SCRIPT,
        /** perf 6.1. */
        PERF,
        /** Another program on the PATH ({@code grep}, {@code cat}): a shell line of the documentation. */
        SHELL,
    }

    /** One command line of a document. */
    record Command(Path doc, int line, String shell, int status, Mode mode, String needs, List<String> expected,
            Program program) {
        Command(Path doc, int line, String shell, int status, Mode mode, String needs, List<String> expected) {
            this(doc, line, shell, status, mode, needs, expected, programOf(shell));
        }

        @Override
        public String toString() {
            return doc.getFileName() + ":" + line + ": " + shell;
        }
    }

    private static final Pattern STATUS = Pattern.compile("exit(?: status)? (\\d+)");
    private static final Pattern NEEDS = Pattern.compile("needs (\\S+)");

    static List<Command> in(Path doc) throws IOException {
        List<String> lines = Files.readAllLines(doc);
        List<Command> out = new ArrayList<>();
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            if (raw.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            boolean indented = !fenced && raw.startsWith("    ");
            if (!fenced && !indented) {
                continue;
            }
            String text = raw.strip();
            boolean shown = text.startsWith("$ ") && programOf(text.substring(2)) != null;
            if (!shown && programOf(text) == null) {
                continue;
            }
            int first = i + 1;
            StringBuilder cmd = new StringBuilder(shown ? text.substring(2) : text);
            while (cmd.toString().endsWith("\\") && i + 1 < lines.size()) {
                cmd.setLength(cmd.length() - 1);
                cmd.append(' ').append(lines.get(++i).strip());
            }
            String[] split = comment(cmd.toString());
            String shell = split[0].strip();
            String comment = split[1];
            Matcher st = STATUS.matcher(comment);
            Matcher nd = NEEDS.matcher(comment);
            List<String> expected = new ArrayList<>();
            if (shown) {
                // the output is indented as its command line is (a block in a list item is indented more)
                int indent = spaces(raw);
                while (i + 1 < lines.size()) {
                    String next = lines.get(i + 1);
                    String s = next.strip();
                    if (s.isEmpty() || s.startsWith("```") || s.startsWith("$ ") || programOf(s) != null
                            || (indented && !next.startsWith("    "))) {
                        break;
                    }
                    expected.add(next.substring(Math.min(indent, spaces(next))));
                    i++;
                }
            }
            out.add(new Command(doc, first, shell, st.find() ? Integer.parseInt(st.group(1)) : 0,
                    comment.contains("takes minutes") ? Mode.START : Mode.RUN, nd.find() ? nd.group(1) : null,
                    expected));
        }
        return out;
    }

    private static int spaces(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    private static final Pattern SETTINGS = Pattern.compile("^([A-Z_][A-Z0-9_]*=\\S*\\s+)*");

    /** What a line runs, or null when it is not a command line (a listing, a path, prose). */
    static Program programOf(String line) {
        String rest = SETTINGS.matcher(line).replaceFirst("");
        String first = rest.split("\\s+", 2)[0];
        if (first.equals("./textpoke")) {
            return Program.TEXTPOKE;
        }
        if (first.equals("perf") && rest.length() > 4) {
            return Program.PERF;
        }
        String script = first.startsWith("./") ? first.substring(2) : first;
        if ((script.contains("/") || first.startsWith("./")) && !script.contains("/target/")) { // not a build's output
            Path p = TestTraces.root().resolve(script);
            if (!script.isEmpty() && !script.startsWith("/") && Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Program.SCRIPT;
            }
            return null;
        }
        if (first.matches("[a-z][a-z0-9_.-]*") && rest.length() > first.length()) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, first);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Program.SHELL;
                }
            }
        }
        return null;
    }

    /** The command and its comment: what follows the first {@code #} that starts a word outside quotes. */
    private static String[] comment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return new String[] {line.substring(0, i), line.substring(i + 1)};
            }
        }
        return new String[] {line, ""};
    }

    /** Whether {@code actual} is {@code expected}, a line {@code ...} standing for any lines, {@code ...} in a line for any text. */
    static boolean matches(List<String> expected, List<String> actual) {
        return matches(expected, 0, actual, 0);
    }

    private static boolean matches(List<String> e, int i, List<String> a, int j) {
        if (i == e.size()) {
            return j == a.size();
        }
        if (e.get(i).strip().equals("...")) {
            for (int k = j; k <= a.size(); k++) {
                if (matches(e, i + 1, a, k)) {
                    return true;
                }
            }
            return false;
        }
        return j < a.size() && lineMatches(e.get(i).stripTrailing(), a.get(j).stripTrailing()) && matches(e, i + 1, a, j + 1);
    }

    private static boolean lineMatches(String expected, String actual) {
        if (!expected.contains("...")) {
            return expected.equals(actual);
        }
        StringBuilder re = new StringBuilder();
        for (String part : expected.split("\\.\\.\\.", -1)) {
            if (re.length() > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return actual.matches(re.toString());
    }
}
