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
 * four spaces, that starts with {@code ./textpoke } or {@code $ ./textpoke } (a trailing {@code \}
 * joins the next line); after an unquoted {@code #}, a comment that may say {@code exit status N},
 * {@code takes minutes} or {@code needs PATH}; after a {@code $} line, its expected output, up to a
 * blank line, the next command or the end of the block, where a line {@code ...} stands for any
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

    /** One command line of a document. */
    record Command(Path doc, int line, String shell, int status, Mode mode, String needs, List<String> expected) {
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
            boolean shown = text.startsWith("$ ./textpoke ");
            if (!shown && !text.startsWith("./textpoke ")) {
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
                int indent = indented ? 4 : 0;
                while (i + 1 < lines.size()) {
                    String next = lines.get(i + 1);
                    String s = next.strip();
                    if (s.isEmpty() || s.startsWith("```") || s.startsWith("$ ") || s.startsWith("./textpoke ")
                            || (indented && !next.startsWith("    "))) {
                        break;
                    }
                    expected.add(next.length() >= indent ? next.substring(indent) : next);
                    i++;
                }
            }
            out.add(new Command(doc, first, shell, st.find() ? Integer.parseInt(st.group(1)) : 0,
                    comment.contains("takes minutes") ? Mode.START : Mode.RUN, nd.find() ? nd.group(1) : null,
                    expected));
        }
        return out;
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
