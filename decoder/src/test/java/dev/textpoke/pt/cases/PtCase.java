package dev.textpoke.pt.cases;

import dev.textpoke.elf.ToolRun;
import dev.textpoke.perf.oracle.TraceFiles;
import dev.textpoke.pt.packet.IpCompression;
import dev.textpoke.pt.packet.PacketEncoder;
import dev.textpoke.pt.packet.PacketType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One Intel PT case of {@code decoder/src/test/ptcases/} (the format is in that directory's
 * README.md): a yasm program, the packets of its trace in our directive syntax, the packets a
 * decoder must see, and the instruction flow a decoder must reconstruct. {@link #build} assembles
 * the program, resolves its labels and encodes the packets with {@link PacketEncoder}. Where
 * textpoke's flow decoder deliberately differs from libipt, {@code textpokeFlow} says what it must
 * give instead (empty: the same as libipt).
 */
public record PtCase(String name, Path file, List<String> lines, List<String> harnessOptions,
        List<Directive> directives, List<String> expectedPackets, List<String> expectedFlow,
        List<String> textpokeFlow) {

    /** A packet directive and the line it is on (1-based), for messages. */
    public record Directive(int line, String text) {}

    /** An assembled and encoded case. */
    public record Built(PtCase pt, byte[] trace, Path traceFile, Path image, long origin, Map<String, Long> labels) {
        /** The image argument of the libipt harness: {@code FILE@ORIGIN}. */
        public String imageArgument() {
            return image + "@0x" + Long.toHexString(origin);
        }

        /** {@code text} with every {@code %label[+N][/BITS]} replaced by its address (see README.md). */
        public String substitute(String text) {
            return PtCase.substitute(text, labels, pt.name());
        }
    }

    private static final Pattern LABEL = Pattern.compile("%([A-Za-z_.][A-Za-z0-9_.]*)([+-](?:0x[0-9a-fA-F]+|\\d+))?(?:/(16|32|48))?");

    /** Every case, by name. */
    public static List<PtCase> all() {
        Path dir = TraceFiles.root().resolve("decoder/src/test/ptcases");
        try (Stream<Path> s = Files.list(dir)) {
            List<PtCase> out = new ArrayList<>();
            for (Path p : s.filter(f -> f.toString().endsWith(".ptcase")).sorted().toList()) {
                out.add(read(p));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a case file. */
    public static PtCase read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> options = new ArrayList<>();
        List<Directive> directives = new ArrayList<>();
        List<String> packets = new ArrayList<>();
        List<String> flow = new ArrayList<>();
        List<String> textpoke = new ArrayList<>();
        boolean noFlow = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith(";@pt ")) {
                directives.add(new Directive(i + 1, l.substring(5).strip()));
            } else if (l.startsWith(";@options ")) {
                options.addAll(List.of(l.substring(10).strip().split("\\s+")));
            } else if (l.startsWith(";>packet ")) {
                packets.add(l.substring(9).strip());
            } else if (l.startsWith(";>flow ")) {
                flow.add(l.substring(7).strip());
            } else if (l.startsWith(";>textpoke-flow ")) {
                textpoke.add(l.substring(16).strip());
            } else if (l.equals(";>flow-none")) {
                noFlow = true;
            } else if (l.startsWith(";@") || l.startsWith(";>")) {
                throw new IOException(file + ":" + (i + 1) + ": unknown directive " + l);
            }
        }
        String name = file.getFileName().toString().replaceFirst("\\.ptcase$", "");
        if (noFlow != flow.isEmpty()) {
            throw new IOException(file + ": a case has ;>flow lines or says ;>flow-none");
        }
        return new PtCase(name, file, lines, options, directives, packets, flow, textpoke);
    }

    /** Assembles the program with yasm into {@code dir} and encodes the trace. */
    public Built build(Path dir) throws IOException, InterruptedException {
        Path asm = dir.resolve(name + ".asm");
        Path bin = dir.resolve(name + ".bin");
        Path map = dir.resolve(name + ".map");
        List<String> source = new ArrayList<>();
        source.add("[map symbols \"" + map.getFileName() + "\"]");
        source.addAll(lines);
        Files.write(asm, source, StandardCharsets.UTF_8);
        ToolRun.run(dir, "yasm", "-f", "bin", "-o", bin.toString(), asm.toString());
        Map<String, Long> labels = new HashMap<>();
        long origin = readMap(map, labels);
        PacketEncoder e = new PacketEncoder();
        for (Directive d : directives) {
            try {
                encode(e, d.text(), labels);
            } catch (RuntimeException ex) {
                throw new IOException(file + ":" + d.line() + ": " + ex.getMessage(), ex);
            }
        }
        byte[] trace = e.toByteArray();
        Path traceFile = dir.resolve(name + ".pt");
        Files.write(traceFile, trace);
        return new Built(this, trace, traceFile, bin, origin, labels);
    }

    /** yasm's map file: the program origin, and "Real Virtual Name" lines of the symbols. */
    private static long readMap(Path map, Map<String, Long> labels) throws IOException {
        List<String> lines = Files.readAllLines(map, StandardCharsets.ISO_8859_1);
        long origin = 0;
        boolean haveOrigin = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith("-- Program origin") && i + 2 < lines.size()) {
                origin = Long.parseUnsignedLong(lines.get(i + 2).strip(), 16);
                haveOrigin = true;
            }
            String[] f = l.split("\\s+");
            if (f.length == 3 && f[0].matches("[0-9A-F]{8,16}") && f[1].matches("[0-9A-F]{8,16}")) {
                labels.put(f[2], Long.parseUnsignedLong(f[1], 16));
            }
        }
        if (!haveOrigin) {
            throw new IOException(map + ": no program origin");
        }
        return origin;
    }

    static String substitute(String text, Map<String, Long> labels, String where) {
        Matcher m = LABEL.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, "0x" + Long.toHexString(address(m, labels, where)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static long address(Matcher m, Map<String, Long> labels, String where) {
        Long base = labels.get(m.group(1));
        if (base == null) {
            throw new IllegalArgumentException(where + ": no label " + m.group(1));
        }
        long v = base;
        if (m.group(2) != null) {
            String n = m.group(2).substring(1);
            long delta = n.startsWith("0x") ? Long.parseLong(n.substring(2), 16) : Long.parseLong(n);
            v += m.group(2).charAt(0) == '+' ? delta : -delta;
        }
        if (m.group(3) != null) {
            v &= (1L << Integer.parseInt(m.group(3))) - 1;
        }
        return v;
    }

    private static long number(String s, Map<String, Long> labels) {
        Matcher m = LABEL.matcher(s);
        if (m.matches()) {
            return address(m, labels, s);
        }
        return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
    }

    /** One directive (README.md lists them). */
    private static void encode(PacketEncoder e, String text, Map<String, Long> labels) {
        String[] f = text.split("\\s+");
        List<String> flags = List.of(f).subList(1, f.length);
        switch (f[0]) {
            case "psb" -> e.psb();
            case "psbend" -> e.psbend();
            case "pad" -> e.pad(f.length > 1 ? (int) number(f[1], labels) : 1);
            case "ovf" -> e.ovf();
            case "stop" -> e.stop();
            case "tnt", "tnt64" -> {
                String outcomes = f[1];
                long bits = 0;
                for (char c : outcomes.toCharArray()) {
                    if (c != 'T' && c != 'N') {
                        throw new IllegalArgumentException("a TNT outcome is T or N, not " + c);
                    }
                    bits = bits << 1 | (c == 'T' ? 1 : 0);
                }
                if (f[0].equals("tnt64")) {
                    e.tnt64(bits, outcomes.length());
                } else {
                    e.tnt(bits, outcomes.length());
                }
            }
            case "tip", "tip.pge", "tip.pgd", "fup" -> {
                PacketType t = switch (f[0]) {
                    case "tip" -> PacketType.TIP;
                    case "tip.pge" -> PacketType.TIP_PGE;
                    case "tip.pgd" -> PacketType.TIP_PGD;
                    default -> PacketType.FUP;
                };
                if (f[1].equals("none")) {
                    e.ip(t, IpCompression.SUPPRESSED, 0);
                } else {
                    long ip = number(f[2], labels);
                    IpCompression ipc = switch (f[1]) {
                        case "u16" -> IpCompression.UPDATE_16;
                        case "u32" -> IpCompression.UPDATE_32;
                        case "s48" -> IpCompression.SEXT_48;
                        case "u48" -> IpCompression.UPDATE_48;
                        case "full" -> IpCompression.FULL;
                        case "auto" -> dev.textpoke.pt.packet.LastIp.smallest(e.lastIp().ip(), ip);
                        default -> throw new IllegalArgumentException("unknown IP compression " + f[1]);
                    };
                    e.ip(t, ipc, ip & ipc.payloadMask());
                }
            }
            case "mode.exec" -> e.modeExec(Integer.parseInt(f[1]), flags.contains("if"));
            case "mode.tsx" -> {
                switch (f[1]) {
                    case "begin" -> e.modeTsx(true, false);
                    case "commit" -> e.modeTsx(false, false);
                    case "abort" -> e.modeTsx(false, true);
                    default -> throw new IllegalArgumentException("mode.tsx is begin, commit or abort");
                }
            }
            case "pip" -> e.pip(number(f[1], labels), flags.contains("nr"));
            case "vmcs" -> e.vmcs(number(f[1], labels));
            case "cbr" -> e.cbr((int) number(f[1], labels));
            case "tsc" -> e.tsc(number(f[1], labels));
            case "mtc" -> e.mtc((int) number(f[1], labels));
            case "tma" -> e.tma((int) number(f[1], labels), (int) number(f[2], labels));
            case "cyc" -> e.cyc(number(f[1], labels));
            case "mnt" -> e.mnt(number(f[1], labels));
            case "ptw" -> e.ptw(Integer.parseInt(f[1]), flags.contains("ip"), number(f[2], labels));
            case "exstop" -> e.exstop(flags.contains("ip"));
            case "mwait" -> e.mwait((int) number(f[1], labels), (int) number(f[2], labels));
            case "pwre" -> e.pwre(flags.contains("hw"), (int) number(f[1], labels), (int) number(f[2], labels));
            case "pwrx" -> e.pwrx((int) number(f[1], labels), (int) number(f[2], labels), (int) number(f[3], labels));
            case "raw" -> {
                for (int i = 1; i < f.length; i++) {
                    e.raw((byte) Integer.parseInt(f[i], 16));
                }
            }
            default -> throw new IllegalArgumentException("unknown packet directive " + f[0].toLowerCase(Locale.ROOT));
        }
    }
}
