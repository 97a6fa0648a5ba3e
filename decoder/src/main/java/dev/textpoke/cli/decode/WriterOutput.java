package dev.textpoke.cli.decode;

import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * The command line's output writer as a stream of ASCII bytes (the decoder builds its lines as
 * bytes), so that what the command prints goes where picocli's other output goes, in tests too.
 */
final class WriterOutput extends OutputStream {
    private final PrintWriter out;
    private char[] chars = new char[1 << 16];

    WriterOutput(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void write(int b) {
        out.write(b & 0xff);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (chars.length < len) {
            chars = new char[len];
        }
        for (int i = 0; i < len; i++) {
            chars[i] = (char) (b[off + i] & 0xff);
        }
        out.write(chars, 0, len);
    }

    @Override
    public void flush() {
        out.flush();
    }
}
