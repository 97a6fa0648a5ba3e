package dev.textpoke.perf.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The record counts Debian perf 6.1.187 printed for the external files, committed in
 * {@code _debian-perf-6.1-outputs/header-only-and-record-counts.txt}: for each file, the
 * {@code PERF_RECORD_*} tokens of {@code perf report -D}, counted ({@code grep -oE | sort | uniq -c}).
 *
 * <p>They differ from "Aggregated stats" in two ways a test must allow for: COMPRESSED records
 * have no line of their own, so they are not listed; and records perf synthesises (its CoreSight
 * decoder's two HEADER_ATTRs) are listed like records of the file.
 */
public final class CommittedPerfCounts {
    private static final String FILE_MARK = "######## ./";
    private static final String COUNTS_MARK = "# perf report -D record-type counts:";

    private CommittedPerfCounts() {}

    /** Counts per file, keyed by the path relative to {@code external-traces/}. */
    public static Map<String, Map<String, Long>> load() {
        Map<String, Map<String, Long>> all = new HashMap<>();
        String file = null;
        boolean inCounts = false;
        try {
            for (String line : Files.readAllLines(TraceFiles.externalPerfOutputs().resolve("header-only-and-record-counts.txt"))) {
                if (line.startsWith(FILE_MARK)) {
                    file = line.substring(FILE_MARK.length());
                    inCounts = false;
                    all.put(file, new TreeMap<>());
                } else if (line.equals(COUNTS_MARK)) {
                    inCounts = true;
                } else if (inCounts && line.trim().matches("\\d+ PERF_RECORD_[A-Z_0-9]+")) {
                    String[] parts = line.trim().split(" ");
                    all.get(file).put(parts[1], Long.parseLong(parts[0]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }
}
