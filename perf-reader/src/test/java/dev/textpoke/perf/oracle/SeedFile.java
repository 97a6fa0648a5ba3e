package dev.textpoke.perf.oracle;

import dev.textpoke.perf.oracle.PerfWalk.WalkedRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real perf.data file as the negative tests see it: its bytes, where its data ends, and its
 * outer records with the span each one covers (its payload included), from the independent walk.
 */
record SeedFile(Path path, byte[] bytes, ByteOrder order, boolean pipe, long dataOffset, long dataEnd,
        List<Span> records) {

    /** An outer record: {@code [offset, offset + size)}, then its payload up to {@code end}. */
    record Span(long offset, int type, int size, long end) {
        boolean isCompressed() {
            return type == 81 || type == 83;
        }
    }

    static SeedFile of(Path path) throws IOException, InterruptedException {
        byte[] bytes = Files.readAllBytes(path);
        ByteOrder order = bytes[0] == 'P' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
        boolean pipe = b.getLong(8) == 16;
        long dataOffset = pipe ? 16 : b.getLong(40);
        long dataEnd = pipe ? bytes.length : dataOffset + b.getLong(48);
        PerfWalk walk = PerfWalk.of(path);
        if (walk.errorAt() != null) {
            throw new IllegalArgumentException(path + " is no valid seed: " + walk.problem());
        }
        List<WalkedRecord> outer = walk.records().stream().filter(r -> !r.decompressed()).toList();
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < outer.size(); i++) {
            WalkedRecord r = outer.get(i);
            long end = i + 1 < outer.size() ? outer.get(i + 1).offset() : dataEnd;
            spans.add(new Span(r.offset(), r.type(), r.size(), end));
        }
        return new SeedFile(path, bytes, order, pipe, dataOffset, dataEnd, List.copyOf(spans));
    }

    String name() {
        return path.getFileName().toString();
    }
}
