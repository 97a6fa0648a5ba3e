package dev.textpoke.pt.perf;

import dev.textpoke.perf.oracle.TraceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The real Intel PT recordings of quipper's test data (a Skylake m7-6Y75 under Linux 4.14, {@code
 * perf record -e cycles -e intel_pt// -- echo Hello, World!}) and perf 6.1's {@code report -D}
 * of them, committed in {@code _debian-perf-6.1-outputs/}: the oracle for what the records hold.
 */
final class QuipperIntelPt {
    private QuipperIntelPt() {}

    static final String NAME = "perf.data.intel_pt-4.14";
    static final String PIPED = "perf.data.piped.intel_pt-4.14";

    static Path file(String name) {
        return TraceFiles.externalTraces().resolve("perf_data_converter/src/quipper/testdata").resolve(name);
    }

    /** perf's {@code report -D} lines for {@code name}, the packet dump lines left out. */
    static List<String> dump(String name) throws IOException {
        Path gz = TraceFiles.externalPerfOutputs()
                .resolve("perf_data_converter_src_quipper_testdata_" + name + ".report-D.txt.gz");
        List<String> out = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
                if (!line.startsWith(".")) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    /** perf's {@code report -D} packet dump lines (". offset: bytes  PACKET") for {@code name}. */
    static List<String> packets(String name) throws IOException {
        Path gz = TraceFiles.externalPerfOutputs()
                .resolve("perf_data_converter_src_quipper_testdata_" + name + ".report-D.txt.gz");
        List<String> out = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
                if (line.startsWith(".  ") || line.contains("PERF_RECORD_AUXTRACE ")) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    /** The lines of perf's "PERF_RECORD_XXX" of one type, e.g. "AUX " or "ITRACE_START". */
    static List<String> records(List<String> dump, String type) {
        return dump.stream().filter(l -> l.contains(": PERF_RECORD_" + type)).toList();
    }
}
