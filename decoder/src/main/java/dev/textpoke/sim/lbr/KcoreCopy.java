package dev.textpoke.sim.lbr;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.Symbol;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a {@code kcore_dir} as {@code perf record --kcore} leaves one beside its data, from a
 * kernel image: {@code kcore}, an ELF core file whose PT_LOADs hold the image's segments at their
 * addresses ({@code /proc/kcore}'s layout, which perf reads with {@code dso__load_kcore});
 * {@code kallsyms}, the image's symbols as {@code /proc/kallsyms} lists them, with {@code _text}
 * at the start of the text (its lowest symbol: a segment may start with the ELF headers) and
 * {@code _etext} at its end (perf relocates the kernel map by {@code _text}); and an empty {@code
 * modules}.
 */
public final class KcoreCopy {
    private static final int EHDR = 64;
    private static final int PHDR = 56;
    private static final int PT_LOAD = 1;
    private static final int PF_X = 1;
    private static final int PF_R = 4;
    private static final int ET_CORE = 4;
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;
    private static final long PAGE = 4096;

    private KcoreCopy() {}

    /**
     * Writes {@code dir/kcore}, {@code dir/kallsyms} and {@code dir/modules}.
     *
     * @param aarch64 whether the ELF says AArch64 rather than x86-64
     * @return the address of {@code _text}
     */
    public static long write(Path dir, BaseImage image, boolean aarch64) throws IOException {
        Files.createDirectories(dir);
        List<ImageSegment> segments = new ArrayList<>(image.segments());
        segments.sort(Comparator.comparing(ImageSegment::address, Long::compareUnsigned));
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a kcore copy needs at least one segment");
        }
        writeElf(dir.resolve("kcore"), segments, aarch64);
        long text = textStart(image);
        ImageSegment last = segments.get(segments.size() - 1);
        long etext = last.address() + last.bytes().length();
        StringBuilder k = new StringBuilder();
        List<Symbol> symbols = new ArrayList<>(image.symbols());
        symbols.sort(Comparator.comparing(Symbol::address, Long::compareUnsigned).thenComparing(Symbol::name));
        boolean hasText = symbols.stream().anyMatch(s -> s.name().equals("_text"));
        if (!hasText) {
            line(k, text, 'T', "_text");
        }
        for (Symbol s : symbols) {
            line(k, s.address(), 'T', s.name());
        }
        if (symbols.stream().noneMatch(s -> s.name().equals("_etext"))) {
            line(k, etext, 'T', "_etext");
        }
        Files.writeString(dir.resolve("kallsyms"), k.toString());
        Files.writeString(dir.resolve("modules"), "");
        return text;
    }

    /** Where the kernel's text starts: its lowest symbol, or its first segment when it has none. */
    public static long textStart(BaseImage image) {
        long text = -1;
        for (Symbol s : image.symbols()) {
            if (text == -1 || Long.compareUnsigned(s.address(), text) < 0) {
                text = s.address();
            }
        }
        if (text != -1) {
            return text;
        }
        return image.segments().stream().map(ImageSegment::address).min(Long::compareUnsigned).orElseThrow();
    }

    private static void line(StringBuilder k, long addr, char type, String name) {
        String hex = Long.toHexString(addr);
        k.append("0".repeat(16 - hex.length())).append(hex).append(' ').append(type).append(' ').append(name).append('\n');
    }

    /** An ELF64 core file: the header, one PT_LOAD per segment, the segments page-aligned. */
    private static void writeElf(Path file, List<ImageSegment> segments, boolean aarch64) throws IOException {
        int n = segments.size();
        long offset = align(EHDR + (long) PHDR * n);
        ByteBuffer h = ByteBuffer.allocate(EHDR + PHDR * n).order(ByteOrder.LITTLE_ENDIAN);
        h.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}).put(new byte[8]);
        h.putShort((short) ET_CORE).putShort((short) (aarch64 ? EM_AARCH64 : EM_X86_64)).putInt(1);
        h.putLong(0).putLong(EHDR).putLong(0).putInt(0);
        h.putShort((short) EHDR).putShort((short) PHDR).putShort((short) n).putShort((short) 64)
                .putShort((short) 0).putShort((short) 0);
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
            ImageSegment s = segments.get(i);
            offsets[i] = offset;
            h.putInt(PT_LOAD).putInt(PF_R | PF_X).putLong(offset).putLong(s.address()).putLong(0)
                    .putLong(s.bytes().length()).putLong(s.bytes().length()).putLong(PAGE);
            offset = align(offset + s.bytes().length());
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(h.array());
            long at = h.capacity();
            for (int i = 0; i < n; i++) {
                out.write(new byte[(int) (offsets[i] - at)]);
                byte[] b = segments.get(i).bytes().toArray();
                out.write(b);
                at = offsets[i] + b.length;
            }
        }
    }

    private static long align(long v) {
        return (v + PAGE - 1) & -PAGE;
    }
}
