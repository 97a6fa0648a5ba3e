package dev.textpoke.code.image;

import dev.textpoke.code.BaseImage;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.io.Bytes;
import dev.textpoke.io.InputFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A raw blob of code loaded at an address ({@code --image ADDR:FILE}). */
public final class RawImage {
    private RawImage() {}

    public static BaseImage load(long address, Path file) throws IOException {
        long size = Files.size(file);
        if (size > Integer.MAX_VALUE - 8) {
            throw new InputFormatException(file.toString(), 0, "a raw image of " + size
                    + " bytes is more than one image can hold (2 GB)");
        }
        if (size > 0 && Long.compareUnsigned(address + size - 1, address) < 0) {
            throw new InputFormatException(file.toString(), 0, size + " bytes at 0x"
                    + Long.toHexString(address) + " run past the end of the address space");
        }
        Bytes bytes = Bytes.wrapOwned(Files.readAllBytes(file));
        return new BaseImage(file.toString(), List.of(new ImageSegment(address, bytes)), List.of());
    }

    /** Parses {@code ADDR:FILE} with a hex address (with or without {@code 0x}). */
    public static BaseImage load(String spec) throws IOException {
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("an image is ADDR:FILE, e.g. 0xffffffff81000000:text.bin, not "
                    + spec);
        }
        String a = spec.substring(0, colon);
        if (a.startsWith("0x") || a.startsWith("0X")) {
            a = a.substring(2);
        }
        long address;
        try {
            address = Long.parseUnsignedLong(a, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a hex address: " + spec.substring(0, colon));
        }
        return load(address, Path.of(spec.substring(colon + 1)));
    }
}
