package dev.textpoke.cli.decode;

import dev.textpoke.cli.StandardOutput;
import java.io.OutputStream;
import java.io.PrintWriter;

/**
 * The command line's output writer as a stream of ASCII bytes (the decoder builds its lines as
 * bytes), so that what the command prints goes where picocli's other output goes, in tests too.
 * The standard output takes the bytes as they are: widening gigabytes of lines to characters and
 * encoding them again, in the one thread that merges the CPUs' lines, was what kept {@code --insns}
 * from going faster on two cores.
 */
final class WriterOutput extends OutputStream {
    private final PrintWriter out;
    private final StandardOutput.Bytes bytes;
    private char[] chars = new char[1 << 16];

    WriterOutput(PrintWriter out) {
        this.out = out;
        this.bytes = out instanceof StandardOutput.Bytes b ? b : null;
    }

    @Override
    public void write(int b) {
        out.write(b & 0xff);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (bytes != null) {
            bytes.writeBytes(b, off, len);
            return;
        }
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
