package dev.textpoke.perf.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the real perf.data files are: the recordings in {@code traces/recorded/} and the external
 * files listed in {@code ../shared/external-traces/MANIFEST.md}, with what the MANIFEST says
 * about them.
 */
public final class TraceFiles {
    private TraceFiles() {}

    /** The repository root (system property {@code textpoke.root}, set by the build). */
    public static Path root() {
        return Path.of(System.getProperty("textpoke.root", "..")).toAbsolutePath().normalize();
    }

    /** {@code ../shared} beside the checkout (system property {@code textpoke.shared}). */
    public static Path shared() {
        return Path.of(System.getProperty("textpoke.shared", "../../shared")).toAbsolutePath().normalize();
    }

    public static Path traces() {
        return root().resolve("traces");
    }

    public static Path externalTraces() {
        return shared().resolve("external-traces");
    }

    /** perf's committed outputs for the external files (Debian perf 6.1.187). */
    public static Path externalPerfOutputs() {
        return externalTraces().resolve("_debian-perf-6.1-outputs");
    }

    /** Every recording in {@code traces/recorded/} (files, and the {@code --threads} directory). */
    public static List<Path> recordings() {
        try (Stream<Path> s = Files.list(traces().resolve("recorded"))) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every perf.data below {@code traces/}: the recordings and what other parts of textpoke
     * generate there (TEXT_POKE scenarios...), files and perf.data directories alike.
     */
    public static List<Path> allTraces() {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(traces())) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (found.stream().anyMatch(p::startsWith)) {
                    continue; // inside a perf.data directory already listed
                }
                if (Files.isDirectory(p) && isPerfData(p.resolve("data"))) {
                    found.add(p);
                } else if (Files.isRegularFile(p) && !p.getParent().endsWith("data") && isPerfData(p)) {
                    found.add(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    private static boolean isPerfData(Path p) throws IOException {
        if (!Files.isRegularFile(p) || Files.size(p) < 16) {
            return false;
        }
        byte[] magic = new byte[8];
        try (var in = Files.newInputStream(p)) {
            if (in.readNBytes(magic, 0, 8) != 8) {
                return false;
            }
        }
        String m = new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1);
        return m.equals("PERFILE2") || m.equals("2ELIFREP") || m.equals("PERFFILE");
    }

    /** perf's committed output {@code traces/expected/NAME.SUFFIX} for a recording. */
    public static Path expected(Path recording, String suffix) {
        return traces().resolve("expected").resolve(recording.getFileName() + "." + suffix);
    }

    /** How Debian perf 6.1 fared with an external file, from the MANIFEST's last column. */
    public enum PerfVerdict {
        /** {@code hdr ok / -D ok / script ok}. */
        READS,
        /** perf refuses the header, or stops part-way ({@code FAIL} or {@code PARTIAL}). */
        REFUSES_OR_STOPS
    }

    /**
     * One perf.data file of the MANIFEST.
     *
     * @param manifestCounts the record counts the MANIFEST gives ("Records:" or "Plain walk:"),
     *     as written there (type names without {@code PERF_RECORD_}); empty when it gives none
     * @param countsComplete false when the MANIFEST's list ends in "..." or counts outer records
     */
    public record External(Path path, String relative, PerfVerdict verdict,
            java.util.Map<String, Long> manifestCounts, boolean countsComplete) {
        public String name() {
            return relative;
        }

        @Override
        public String toString() {
            return relative;
        }
    }

    private static final Pattern SECTION = Pattern.compile("^## (\\S+)/\\s*$");
    private static final Pattern COUNTS = Pattern.compile("(Records|Plain walk(?: \\(outer records\\))?): ((?:[A-Z_0-9]+:\\d+ ?)+)( \\.\\.\\.)?");

    /** The perf.data files of the MANIFEST: rows whose perf 6.1 column has a verdict. */
    public static List<External> externals() {
        List<External> all = new ArrayList<>();
        String section = null;
        try {
            for (String line : Files.readAllLines(externalTraces().resolve("MANIFEST.md"))) {
                Matcher m = SECTION.matcher(line);
                if (m.matches()) {
                    section = m.group(1);
                    continue;
                }
                if (section == null || !line.startsWith("| `")) {
                    continue;
                }
                String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
                String verdictCell = cells[cells.length - 1].trim();
                if (!verdictCell.startsWith("hdr ")) {
                    continue;
                }
                String relative = section + "/" + cells[0].trim().replace("`", "");
                PerfVerdict verdict = verdictCell.equals("hdr ok / -D ok / script ok")
                        ? PerfVerdict.READS : PerfVerdict.REFUSES_OR_STOPS;
                java.util.Map<String, Long> counts = new java.util.TreeMap<>();
                boolean complete = true;
                Matcher c = COUNTS.matcher(cells[cells.length - 2]);
                if (c.find()) {
                    for (String token : c.group(2).trim().split(" ")) {
                        int colon = token.indexOf(':');
                        counts.put(token.substring(0, colon).replaceFirst("^HEADER_", ""),
                                Long.parseLong(token.substring(colon + 1)));
                    }
                    complete = c.group(3) == null && !c.group(1).contains("outer");
                }
                all.add(new External(externalTraces().resolve(relative), relative, verdict, counts, complete));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }
}
