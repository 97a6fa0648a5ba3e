package dev.textpoke.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link DataSrcText} against a table of perf 6.1's own lines (data-src-perf-6.1.txt, printed by
 * {@code perf script -F data_src}): the machines' values (Intel's, AMD's with hops, stores, locked
 * and blocked accesses), each field's names, 6.1's quirks (level bits and level number both
 * printed, hops past perf's table as {@code (null)}), and texts perf cuts at its 99 characters.
 * {@code SamplesMemoryFieldsTest} asks perf about every value of each field.
 */
class DataSrcTextTest {
    @Test
    void theTextIsPerfs() throws IOException {
        List<String> lines;
        try (InputStream in = DataSrcTextTest.class.getResourceAsStream("data-src-perf-6.1.txt")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#"))
                    .toList();
        }
        assertTrue(lines.size() > 40, "the table");
        for (String perf : lines) {
            long value = Long.parseUnsignedLong(perf.trim().split(" ")[0], 16);
            String ours = String.format("%16x %s", value, DataSrcText.decode(value));
            ours = ours.substring(0, Math.min(DataSrcText.PERF_LINE_LIMIT, ours.length())).stripTrailing();
            assertEquals(perf, ours);
        }
    }

    /** perf's page size names (values perf 6.1 printed for these sizes). */
    @Test
    void pageSizesAreNamedAsPerfNamesThem() {
        assertEquals("N/A", DataSrcText.pageSize(0));
        assertEquals("4K", DataSrcText.pageSize(4096));
        assertEquals("2M", DataSrcText.pageSize(2L << 20));
        assertEquals("1024B", DataSrcText.pageSize(1024));
        assertEquals("2K", DataSrcText.pageSize(2048));
        assertEquals("1024M", DataSrcText.pageSize(1L << 30));
    }
}
