package dev.textpoke.perf.file;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.attr.EventAttr;
import java.util.List;

/**
 * One entry of the file-mode attr section, {@code struct perf_file_attr { struct perf_event_attr
 * attr; struct perf_file_section ids; }}, with the event ids the section points to.
 *
 * @param entryOffset absolute offset of the entry
 * @param attr        the attr ({@code attr.size} bytes)
 * @param idsSection  where the u64 ids are
 * @param ids         the ids
 * @param gap         bytes between the ids section field and the next entry (an {@code attr_size}
 *                    larger than {@code attr.size + 16}), kept for exact rewriting
 */
public record FileAttr(long entryOffset, EventAttr attr, FileSection idsSection, List<Long> ids, Bytes gap) {
    public FileAttr {
        ids = List.copyOf(ids);
    }
}
