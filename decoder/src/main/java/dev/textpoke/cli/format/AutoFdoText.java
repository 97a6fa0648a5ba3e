package dev.textpoke.cli.format;

import dev.textpoke.branches.AutoFdoProfile;
import java.util.List;

/**
 * The AutoFDO text profile as {@code simpleperf inject --output autofdo} writes it ({@code
 * AutoFDOWriter::Write} in {@code cmd_inject.cpp}), which AutoFDO's {@code create_llvm_prof
 * --profiler=text} and {@code create_gcov} read: per binary, by path, three sections each led by
 * its decimal count, {@code start-end:count} (hex, {@code end} the address of the range's last
 * instruction), {@code address:count} and {@code from->to:count}, sorted by address; then {@code
 * // build_id: 0x...} (20 bytes) and {@code // path} and an empty line. With more than one binary
 * the file starts with simpleperf's reminder that AutoFDO reads one binary per file.
 */
public final class AutoFdoText {
    /** Which addresses a profile lists. */
    public enum Addresses {
        /** Relative to the binary's ELF (simpleperf's: the address less the first loadable address). */
        ELF,
        /** Load addresses: the kernel's and modules' run-time addresses, a process's mapped ones. */
        LOAD
    }

    private AutoFdoText() {}

    public static void append(StringBuilder sb, List<AutoFdoProfile.Counts> binaries, Addresses addresses) {
        if (binaries.size() > 1) {
            sb.append("// Please split this file. AutoFDO only accepts profile for one binary.\n");
        }
        for (AutoFdoProfile.Counts c : binaries) {
            long shift = addresses == Addresses.LOAD ? c.binary().base() : 0;
            long[][] ranges = c.ranges();
            sb.append(ranges.length).append('\n');
            for (long[] r : ranges) {
                sb.append(Long.toHexString(r[0] + shift)).append('-').append(Long.toHexString(r[1] + shift))
                        .append(':').append(Long.toUnsignedString(r[2])).append('\n');
            }
            long[][] addrs = c.addresses();
            sb.append(addrs.length).append('\n');
            for (long[] a : addrs) {
                sb.append(Long.toHexString(a[0] + shift)).append(':').append(Long.toUnsignedString(a[2])).append('\n');
            }
            long[][] branches = c.branches();
            sb.append(branches.length).append('\n');
            for (long[] b : branches) {
                sb.append(Long.toHexString(b[0] + shift)).append("->").append(Long.toHexString(b[1] + shift))
                        .append(':').append(Long.toUnsignedString(b[2])).append('\n');
            }
            sb.append("// build_id: 0x").append(buildId(c.binary().buildId())).append('\n');
            sb.append("// ").append(c.binary().path()).append("\n\n");
        }
    }

    /** simpleperf's {@code BuildId::ToString}: the 20-byte array in hex, zero-padded. */
    private static String buildId(String hex) {
        StringBuilder b = new StringBuilder(hex.length() > 40 ? hex.substring(0, 40) : hex);
        while (b.length() < 40) {
            b.append('0');
        }
        return b.toString();
    }
}
