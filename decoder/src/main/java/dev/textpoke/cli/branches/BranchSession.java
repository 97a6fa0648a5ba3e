package dev.textpoke.cli.branches;

import dev.textpoke.branches.AddressNames;
import dev.textpoke.branches.Binaries;
import dev.textpoke.branches.BranchStackReader;
import dev.textpoke.branches.RangeWalker;
import dev.textpoke.branches.StackTiming;
import dev.textpoke.branches.StackWalker;
import dev.textpoke.branches.UserCode;
import dev.textpoke.cli.code.ImageOptions;
import dev.textpoke.cli.code.MappedFileOptions;
import dev.textpoke.cli.code.PokesCommand;
import dev.textpoke.code.BaseImage;
import dev.textpoke.code.CodeTimeline;
import dev.textpoke.code.ImageSegment;
import dev.textpoke.code.SymbolOffset;
import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.code.perf.PerfTimeline;
import dev.textpoke.io.Bytes;
import dev.textpoke.isa.InstructionCache;
import dev.textpoke.isa.InstructionClassifier;
import dev.textpoke.isa.Isa;
import dev.textpoke.perf.PerfData;
import dev.textpoke.perf.feature.Feature;
import dev.textpoke.perf.feature.FeatureId;
import dev.textpoke.perf.record.PerfRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the commands of the {@code branches} family share: the perf.data, its code timeline (base
 * images and every TEXT_POKE and KSYMBOL), the processes' user-space code (their mappings and the
 * files mapped), a classifier and walker over both, the binaries for profiles, and the thread
 * names for headers, filled as the records pass.
 */
final class BranchSession implements AutoCloseable {
    final PerfData data;
    final CodeTimeline timeline;
    final InstructionClassifier classifier;
    final InstructionCache cache;
    final StackWalker walker;
    final Binaries binaries;
    final UserCode user;
    private final Map<Integer, String> comms = new HashMap<>();

    private BranchSession(PerfData data, CodeTimeline timeline, InstructionClassifier classifier,
            StackTiming timing, Binaries binaries, UserCode user) {
        this.data = data;
        this.timeline = timeline;
        this.classifier = classifier;
        this.cache = new InstructionCache(timeline, classifier);
        this.user = user;
        this.walker = new StackWalker(new RangeWalker(timeline, cache, classifier.isa().maxLength()), timing, user);
        this.binaries = binaries;
    }

    /**
     * Reads the file twice: once for the code timeline (every TEXT_POKE and KSYMBOL, in file order),
     * then for the samples, so a pipe-mode stream must be a file, not standard input.
     */
    static BranchSession open(String file, ImageOptions images, MappedFileOptions files, StackTiming timing)
            throws IOException {
        if (PerfData.STDIN.equals(file)) {
            throw new IllegalArgumentException("the branch stacks need the code modifications of the whole"
                    + " input first: give a file, not standard input");
        }
        CodeTimeline timeline;
        Isa isa;
        Binaries binaries;
        Map<String, Bytes> ids;
        try (PerfData first = PerfData.open(file)) {
            timeline = PerfTimeline.build(first, images.load(first), false);
            isa = PokesCommand.isa(first);
            ids = buildIds(first);
            Map<String, String> hex = new HashMap<>();
            ids.forEach((name, id) -> hex.put(name, id.hex()));
            binaries = new Binaries(hex);
            Optional<Path> kcore = images.kcoreDir(first);
            if (kcore.isPresent()) {
                kernelLayout(kcore.get(), timeline, binaries);
            }
        }
        PerfData data = PerfData.open(file);
        try {
            InstructionClassifier classifier = InstructionClassifier.open(isa);
            return new BranchSession(data, timeline, classifier, timing, binaries,
                    new UserCode(files.config(), ids, classifier));
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /** The build ids of the BUILD_ID feature by file name (the first of a name). */
    private static Map<String, Bytes> buildIds(PerfData data) throws IOException {
        Map<String, Bytes> ids = new HashMap<>();
        Optional<Feature.BuildIds> f = data.features().get(FeatureId.BUILD_ID, Feature.BuildIds.class);
        f.ifPresent(b -> b.entries().forEach(e -> ids.putIfAbsent(e.name(), e.buildId())));
        return ids;
    }

    /**
     * The kernel and modules of a kcore copy, for files that carry no kernel maps: the kernel from
     * {@code _text} (or {@code _stext}) to {@code _etext} as kallsyms gives them (else the kcore
     * segment that holds the first text symbol), the modules as {@code modules} lists them.
     */
    private static void kernelLayout(Path dir, CodeTimeline timeline, Binaries binaries) throws IOException {
        Path kallsyms = dir.resolve("kallsyms");
        Map<String, Long> named = new HashMap<>();
        long lowest = -1;
        if (Files.exists(kallsyms)) {
            for (String line : Files.readAllLines(kallsyms, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && (f.length == 3 || !f[3].startsWith("["))) {
                    try {
                        long a = Long.parseUnsignedLong(f[0], 16);
                        named.putIfAbsent(f[2], a);
                        if ("tT".contains(f[1]) && (lowest == -1 || Long.compareUnsigned(a, lowest) < 0)) {
                            lowest = a;
                        }
                    } catch (NumberFormatException e) {
                        // KcoreDir reports malformed lines; names only help here
                    }
                }
            }
        }
        Long text = named.getOrDefault("_text", named.get("_stext"));
        long start = text != null ? text : lowest;
        if (start == -1) {
            return;
        }
        long end = -1;
        if (named.containsKey("_etext")) {
            end = named.get("_etext");
        } else {
            for (BaseImage image : timeline.images()) {
                for (ImageSegment s : image.segments()) {
                    if (Long.compareUnsigned(start - s.address(), s.bytes().length()) < 0) {
                        end = s.address() + s.bytes().length();
                    }
                }
            }
        }
        if (end != -1) {
            binaries.kernel(start, end, start);
        }
        Path modules = dir.resolve("modules");
        if (Files.exists(modules)) {
            for (KcoreDir.LoadedModule m : KcoreDir.modules(modules)) {
                binaries.module(m.name(), m.address(), m.size());
            }
        }
    }

    /** A reader of the stacks that also keeps the binaries and thread names up to date. */
    BranchStackReader reader(BranchStackReader.Order order) {
        return new BranchStackReader(data, order, r -> {
            binaries.record(r);
            user.record(r);
            if (r instanceof PerfRecord.Comm c) {
                comms.put(c.tid(), c.comm().text());
            } else if (r instanceof PerfRecord.Fork f) {
                String parent = comms.get(f.ptid());
                if (parent != null) {
                    comms.putIfAbsent(f.tid(), parent);
                }
            }
        });
    }

    /** The command name of thread {@code tid}, as the COMM records said last (":tid" as perf without one). */
    String comm(int tid) {
        String c = comms.get(tid);
        return c != null ? c : ":" + tid;
    }

    /** Names addresses: the kernel's with the timeline's symbols, user space's with the mapped files'. */
    AddressNames names() {
        return (pid, addr, time) -> {
            if (addr < 0) {
                return timeline.symbolize(addr, time);
            }
            Optional<SymbolOffset> given = timeline.symbolize(addr, time); // an image given by hand
            return given.isPresent() ? given : user.symbolize(pid, addr, time);
        };
    }

    @Override
    public void close() throws IOException {
        user.close();
        classifier.close();
        data.close();
    }

}
