package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.textpoke.perf.oracle.MiniJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * Issue 12, point 6 ("Json schema"): every command has {@code --json}, and docs/json.md is its
 * schema: this test reads the page's tables and {@code Checked with} lines, runs each (over every
 * perf.data in {@code traces/} where it says TRACE), and checks every line printed against the
 * tables; it also checks that a field name has one JSON type across the tables, and that every
 * command with a {@code --json} option has a section. See docs/json.md, "How this page is checked".
 */
public class JsonSchemaTest {
    private static final Path DOC = TestTraces.root().resolve("docs/json.md");
    private static final Pattern HEADING = Pattern.compile("^### ([a-z0-9-]+): (\\S+)$");
    private static final Pattern CHECKED = Pattern.compile("^Checked with: `(textpoke [^`]+)`$");
    private static final Pattern ROW = Pattern.compile("^\\| (\\S+) \\| ([^|]+?) \\| ([^|]*?) \\|.*$");

    /** One row of a table. */
    record Field(String name, String type, boolean always) {}

    /** A table: the objects of a command ({@code command} set) or a nested object ({@code command} "object"). */
    record Schema(String command, String name, Map<String, Field> fields) {}

    /** The page, parsed. */
    record Doc(Map<String, List<String>> checked, List<Schema> schemas) {
        List<Schema> of(String command) {
            return schemas.stream().filter(s -> s.command().equals(command)).toList();
        }

        Schema object(String name) {
            return schemas.stream().filter(s -> s.command().equals("object") && s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("docs/json.md has no table 'object: " + name + "'"));
        }
    }

    static Doc doc() {
        List<String> lines;
        try {
            lines = Files.readAllLines(DOC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, List<String>> checked = new LinkedHashMap<>();
        List<Schema> schemas = new ArrayList<>();
        String section = null;
        Schema table = null;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                section = line.substring(3).strip();
                table = null;
                continue;
            }
            Matcher c = CHECKED.matcher(line);
            if (c.matches()) {
                checked.computeIfAbsent(section, k -> new ArrayList<>()).add(c.group(1));
                continue;
            }
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                table = new Schema(h.group(1), h.group(2), new LinkedHashMap<>());
                schemas.add(table);
                continue;
            }
            Matcher r = ROW.matcher(line);
            if (table != null && r.matches() && !r.group(1).equals("field") && !r.group(1).startsWith("---")) {
                table.fields().put(r.group(1), new Field(r.group(1), r.group(2).strip(), r.group(3).strip().equals("always")));
            } else if (!line.startsWith("|")) {
                if (table != null && !line.isBlank()) {
                    table = null;
                }
            }
        }
        return new Doc(checked, schemas);
    }

    // --- types ---

    /** Whether {@code v} (as MiniJson reads it) has documented type {@code t}. */
    static boolean conforms(Object v, String t, Doc doc, List<String> why) {
        t = t.strip();
        if (t.endsWith(" or null")) {
            return v == null || conforms(v, t.substring(0, t.length() - " or null".length()), doc, why);
        }
        if (t.startsWith("\"")) {
            return t.substring(1, t.length() - 1).equals(v);
        }
        if (t.startsWith("array of ")) {
            if (!(v instanceof List<?> l)) {
                return false;
            }
            for (Object e : l) {
                if (!conforms(e, t.substring("array of ".length()), doc, why)) {
                    return false;
                }
            }
            return true;
        }
        if (t.startsWith("map of ")) {
            if (!(v instanceof Map<?, ?> m)) {
                return false;
            }
            for (Object e : m.values()) {
                if (!conforms(e, t.substring("map of ".length()), doc, why)) {
                    return false;
                }
            }
            return true;
        }
        if (t.startsWith("object ")) {
            if (!(v instanceof Map<?, ?> m)) {
                return false;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> o = (Map<String, Object>) m;
            return matches(o, doc.object(t.substring("object ".length())), doc, why);
        }
        return switch (t) {
            case "object" -> v instanceof Map;
            case "integer" -> v instanceof Long;
            case "number" -> v instanceof Long || v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "string" -> v instanceof String;
            case "hex" -> v instanceof String s && s.matches("0x[0-9a-f]+");
            case "bytes" -> v instanceof String s && s.matches("([0-9a-f]{2})*");
            default -> throw new AssertionError("docs/json.md: unknown type '" + t + "'");
        };
    }

    /** Whether object {@code o} is one of {@code s}: its always fields, no other fields, each of its type. */
    static boolean matches(Map<String, Object> o, Schema s, Doc doc, List<String> why) {
        Field any = s.fields().get("*");
        for (Field f : s.fields().values()) {
            if (f.always() && !f.name().equals("*") && !o.containsKey(f.name())) {
                why.add(s.name() + ": no " + f.name());
                return false;
            }
        }
        for (var e : o.entrySet()) {
            Field f = s.fields().getOrDefault(e.getKey(), any);
            if (f == null) {
                why.add(s.name() + ": field " + e.getKey() + " is not in the table");
                return false;
            }
            if (!conforms(e.getValue(), f.type(), doc, why)) {
                why.add(s.name() + ": " + e.getKey() + "=" + e.getValue() + " is not " + f.type());
                return false;
            }
        }
        return true;
    }

    // --- the checks ---

    /** The perf.data files and directories under traces/ that TRACE stands for. */
    static List<Path> traces() throws IOException {
        try (Stream<Path> s = Files.walk(TestTraces.root().resolve("traces"), 2)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".data")).sorted().toList();
        }
    }

    @org.junit.jupiter.api.io.TempDir
    static Path scratch;

    /** A fresh, empty directory for a command that writes one ({@code NEWDIR}). */
    private static String newDirectory() {
        try {
            return Files.createTempDirectory(scratch, "out").toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A documented command line as arguments, paths relative to the repository made absolute. */
    static List<String> args(String line, Path trace) {
        List<String> out = new ArrayList<>();
        for (String w : line.substring("textpoke ".length()).split(" +")) {
            String a = w.equals("TRACE") ? trace.toString() : w.equals("NEWDIR") ? newDirectory() : w;
            Path p = TestTraces.root().resolve(a);
            out.add(!a.startsWith("-") && (a.contains("/") || a.endsWith(".data")) && Files.exists(p)
                    ? p.normalize().toString() : a);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyCheckedCommandPrintsWhatThePageSays() throws IOException {
        Doc doc = doc();
        List<Path> traces = traces();
        List<DynamicTest> tests = new ArrayList<>();
        for (var section : doc.checked().entrySet()) {
            String command = section.getKey();
            assertFalse(doc.of(command).isEmpty(), "docs/json.md: section " + command + " has no '### " + command
                    + ": NAME' table");
            for (String line : section.getValue()) {
                for (Path trace : line.contains("TRACE") ? traces : List.of(Path.of("-"))) {
                    List<String> args = args(line, trace);
                    tests.add(DynamicTest.dynamicTest(String.join(" ", args), () -> check(doc, command, args)));
                }
            }
        }
        return tests.stream();
    }

    private static void check(Doc doc, String command, List<String> args) {
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertTrue(run.status() == ExitStatus.OK || run.status() == ExitStatus.FINDINGS, run.err());
        checkLines(doc, command, run.out());
    }

    /**
     * Every line of {@code output}, a command's JSON lines, matches exactly one of the command's
     * tables in docs/json.md: for tests whose recordings are not bundled (they run the command
     * themselves).
     */
    public static void assertDocumented(String command, String output) {
        checkLines(doc(), command, output);
    }

    private static void checkLines(Doc doc, String command, String output) {
        int n = 0;
        for (String line : output.lines().toList()) {
            Map<String, Object> o = MiniJson.object(line);
            List<String> why = new ArrayList<>();
            int matched = 0;
            for (Schema s : doc.of(command)) {
                if (matches(o, s, doc, why)) {
                    matched++;
                }
            }
            if (matched != 1) {
                // Report only the tables of its kind when a literal field says which.
                List<String> relevant = why.stream().filter(w -> !w.contains(" is not \"")).toList();
                List<String> own = relevant.stream().filter(w -> o.values().stream().anyMatch(v -> w.startsWith(v + ":"))).toList();
                fail("line " + (n + 1) + " matches " + matched + " of the tables of '" + command + "' ("
                        + (own.isEmpty() ? relevant : own) + "): "
                        + (line.length() > 400 ? line.substring(0, 400) + "..." : line));
            }
            n++;
        }
    }

    /** Each documented command line prints something on some input: the checks above check something. */
    @Test
    void everySectionPrintsObjects() throws IOException {
        Doc doc = doc();
        for (var section : doc.checked().entrySet()) {
            long lines = 0;
            for (String line : section.getValue()) {
                for (Path trace : line.contains("TRACE") ? traces() : List.of(Path.of("-"))) {
                    lines += CliRun.of(args(line, trace).toArray(String[]::new)).out().lines().count();
                }
            }
            assertTrue(lines > 0, section.getKey() + ": no output to check");
        }
    }

    /** The JSON type (what `integer`, `hex`... are to JSON) of a documented type. */
    private static String jsonType(String t) {
        t = t.strip().replaceFirst(" or null$", "");
        if (t.startsWith("\"") || t.equals("hex") || t.equals("bytes") || t.equals("string")) {
            return "string";
        }
        if (t.startsWith("array of ")) {
            return "array";
        }
        if (t.startsWith("object") || t.startsWith("map of ")) {
            return "object";
        }
        return t.equals("integer") ? "number" : t;
    }

    /**
     * The page's exceptions to the one-type rule, each a line {@code - Exception: `FIELD` in
     * `COMMAND: NAME` ...} saying why (an issue that names the field): "FIELD COMMAND: NAME".
     */
    private static java.util.Set<String> exceptions() throws IOException {
        java.util.Set<String> out = new java.util.HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^- Exception: `(\\w+)` in `([\\w-]+: \\w+)`")
                .matcher(Files.readString(DOC));
        while (m.find()) {
            out.add(m.group(1) + " " + m.group(2));
        }
        return out;
    }

    @Test
    void aFieldNameHasOneJsonTypeEverywhere() throws IOException {
        Doc doc = doc();
        java.util.Set<String> exceptions = exceptions();
        assertTrue(exceptions.size() <= 1, "exceptions stay exceptional: " + exceptions);
        Map<String, Map<String, String>> seen = new HashMap<>();
        for (Schema s : doc.schemas()) {
            String scope = s.command().equals("object") ? "object " + s.name() : "top level";
            for (Field f : s.fields().values()) {
                if (exceptions.contains(f.name() + " " + s.command() + ": " + s.name())) {
                    continue;
                }
                String type = jsonType(f.type());
                String where = s.command() + ": " + s.name();
                String before = seen.computeIfAbsent(scope, k -> new HashMap<>()).putIfAbsent(f.name(), type + " (" + where + ")");
                if (before != null && !before.startsWith(type + " ")) {
                    fail(scope + " field '" + f.name() + "' is " + type + " in " + where + " but " + before);
                }
            }
        }
    }

    /** A command with --json that docs/json.md does not check would go unchecked: refuse it. */
    @Test
    void everyCommandWithJsonHasASection() {
        Doc doc = doc();
        List<String> documented = doc.checked().values().stream().flatMap(List::stream).toList();
        TreeSet<String> missing = new TreeSet<>();
        walk(Main.commandLine(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter())), missing, documented);
        assertEquals(new TreeSet<String>(), missing, "commands with --json but no 'Checked with' line in docs/json.md");
    }

    private static void walk(CommandLine cl, TreeSet<String> missing, List<String> documented) {
        String name = cl.getCommandSpec().qualifiedName();
        if (cl.getCommandSpec().findOption("--json") != null
                && documented.stream().noneMatch(d -> d.startsWith(name + " "))) {
            missing.add(name);
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help")) {
                walk(sub, missing, documented);
            }
        }
    }
}
