package dev.textpoke.code;

import java.util.List;
import java.util.Objects;

/**
 * Code as it was when the trace started, for every time: a kernel image, a kcore copy, a module, a
 * raw blob. {@code name} says where it came from, for messages.
 */
public record BaseImage(String name, List<ImageSegment> segments, List<Symbol> symbols) {
    public BaseImage {
        Objects.requireNonNull(name, "name");
        segments = List.copyOf(segments);
        symbols = List.copyOf(symbols);
    }
}
