package dev.textpoke.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class BytesTest {
    @Test
    void isImmutableAndComparedByContent() {
        byte[] raw = {0x0f, 0x1f, 0x44, 0x00, 0x00};
        Bytes b = Bytes.of(raw);
        raw[0] = (byte) 0xe9;
        assertEquals(0x0f, b.get(0));
        assertEquals(Bytes.ofHex("0f 1f 44 00 00"), b);
        assertNotEquals(Bytes.ofHex("e9 1f 44 00 00"), b);
        byte[] copy = b.toArray();
        copy[1] = 0;
        assertEquals(0x1f, b.get(1));
    }

    @Test
    void hexFormsUsedInOutput() {
        Bytes b = Bytes.ofHex("cc0f1f");
        assertEquals("cc0f1f", b.hex());
        assertEquals("cc 0f 1f", b.spacedHex());
    }
}
