package dev.textpoke.perf.write;

import dev.textpoke.io.Bytes;
import dev.textpoke.perf.feature.Feature;
import java.nio.ByteOrder;
import dev.textpoke.perf.record.CString;
import java.util.List;

/**
 * Encodes feature sections from their typed values ({@link Feature}) as perf's {@code write_*}
 * functions in tools/perf/util/header.c lay them out: the inverse of the reader's feature parser.
 * Strings are {@code perf_header_string = {u32 len; char str[len]}}, NUL-padded to a multiple of
 * 64 ({@code do_write_string}), lists {@code {u32 nr; ...[nr]}}.
 */
public final class FeatureEncoder {
    /** {@code struct perf_record_header_build_id} before the file name, and its build id array. */
    private static final int BUILD_ID_ARRAY = 24;

    private final ByteOrder order;

    public FeatureEncoder(ByteOrder order) {
        this.order = order;
    }

    public ByteOrder order() {
        return order;
    }

    /** The section's bytes. */
    public Bytes encode(Feature f) {
        ByteOutput o = new ByteOutput(order, 256);
        write(o, f);
        return o.toBytes();
    }

    /** A string section ({@code do_write_string}): {@code u32 len}, the string, NUL-padded to len. */
    public Bytes string(String s) {
        ByteOutput o = new ByteOutput(order);
        string(o, s);
        return o.toBytes();
    }

    static void string(ByteOutput o, String s) {
        string(o, Feature.string(s));
    }

    /** A string field as held: {@code u32 len} is the field's length, padding included. */
    static void string(ByteOutput o, CString s) {
        o.u32(s.field().length()).bytes(s.field());
    }

    private static void strings(ByteOutput o, List<CString> l) {
        o.u32(l.size());
        l.forEach(s -> string(o, s));
    }

    private void write(ByteOutput o, Feature f) {
        if (f instanceof Feature.Text t) {
            if (t.field() != null) {
                string(o, t.field());
            }
        } else if (f instanceof Feature.CommandLine c) {
            strings(o, c.fields());
        } else if (f instanceof Feature.BuildIds b) {
            buildIds(o, b);
        } else if (f instanceof Feature.NrCpus n) {
            o.u32(n.available()).u32(n.online());
        } else if (f instanceof Feature.TotalMem m) {
            o.u64(m.kilobytes());
        } else if (f instanceof Feature.EventDesc d) {
            eventDesc(o, d);
        } else if (f instanceof Feature.CpuTopology t) {
            cpuTopology(o, t);
        } else if (f instanceof Feature.NumaTopology n) {
            o.u32(n.nodes().size());
            n.nodes().forEach(x -> {
                o.u32(x.node()).u64(x.memTotalKb()).u64(x.memFreeKb());
                string(o, x.cpusField());
            });
        } else if (f instanceof Feature.Flag) {
            // the section is empty: its presence is the information
        } else if (f instanceof Feature.PmuMappings p) {
            o.u32(p.pmus().size());
            p.pmus().forEach(x -> {
                o.u32(x.type());
                string(o, x.nameField());
            });
        } else if (f instanceof Feature.GroupDesc g) {
            o.u32(g.groups().size());
            g.groups().forEach(x -> {
                string(o, x.nameField());
                o.u32(x.leaderIndex()).u32(x.members());
            });
        } else if (f instanceof Feature.AuxtraceIndex a) {
            if (a.counted()) {
                o.u64(a.entries().size());
            }
            a.entries().forEach(e -> o.u64(e.fileOffset()).u64(e.size()));
        } else if (f instanceof Feature.Cache c) {
            o.u32(c.version()).u32(c.levels().size());
            c.levels().forEach(l -> {
                o.u32(l.level()).u32(l.lineSize()).u32(l.sets()).u32(l.ways());
                string(o, l.typeField());
                string(o, l.sizeField());
                string(o, l.mapField());
            });
        } else if (f instanceof Feature.SampleTime t) {
            o.u64(t.first()).u64(t.last());
        } else if (f instanceof Feature.MemTopology m) {
            o.u64(m.version()).u64(m.blockSize()).u64(m.nodes().size());
            m.nodes().forEach(n -> {
                o.u64(n.node()).u64(n.size()).u64(n.bits());
                n.blocks().forEach(o::u64);
            });
        } else if (f instanceof Feature.ClockId c) {
            o.u64(c.resolutionNs());
        } else if (f instanceof Feature.DirFormat d) {
            o.u64(d.version());
        } else if (f instanceof Feature.BpfProgInfo b) {
            o.u32(b.programs().size());
            b.programs().forEach(p -> BpfProgBodies.write(o, p));
        } else if (f instanceof Feature.BpfBtf b) {
            o.u32(b.entries().size());
            b.entries().forEach(e -> o.u32(e.btfId()).u32(e.data().length()).bytes(e.data()));
        } else if (f instanceof Feature.Compressed c) {
            o.u32(c.version()).u32(c.type()).u32(c.level()).u32(c.ratio()).u32(c.mmapLen());
        } else if (f instanceof Feature.CpuPmuCaps c) {
            caps(o, c.caps());
        } else if (f instanceof Feature.ClockData c) {
            o.u32(c.version()).u32(c.clockid()).u64(c.wallClockNs()).u64(c.clockidTimeNs());
        } else if (f instanceof Feature.HybridTopology h) {
            o.u32(h.nodes().size());
            h.nodes().forEach(n -> {
                string(o, n.pmuNameField());
                string(o, n.cpusField());
            });
        } else if (f instanceof Feature.PmuCaps p) {
            o.u32(p.pmus().size());
            p.pmus().forEach(x -> {
                caps(o, x.caps());
                string(o, x.pmuNameField());
            });
        } else if (f instanceof Feature.TracingData t) {
            o.bytes(t.data());
        } else if (f instanceof Feature.Unknown u) {
            o.bytes(u.data());
        } else {
            throw new IllegalArgumentException("no encoder for " + f.getClass().getSimpleName());
        }
    }

    private static void caps(ByteOutput o, List<Feature.Capability> caps) {
        o.u32(caps.size());
        caps.forEach(c -> {
            string(o, c.nameField());
            string(o, c.valueField());
        });
    }

    /**
     * One {@code perf_record_header_build_id} per entry: header, pid (not in the oldest layout),
     * build_id[24], file name.
     */
    private static void buildIds(ByteOutput o, Feature.BuildIds b) {
        for (Feature.BuildIdEntry e : b.entries()) {
            int size = 8 + (b.withPid() ? 4 : 0) + BUILD_ID_ARRAY + e.filename().length();
            if (size > 0xffff) {
                throw new IllegalArgumentException("build id record of " + size + " bytes");
            }
            o.u32(e.type()).u16(e.misc()).u16(size);
            if (b.withPid()) {
                o.u32(e.pid());
            }
            o.bytes(KernelRecordBodies.exactly(e.data(), BUILD_ID_ARRAY, "build id array")).bytes(e.filename());
        }
    }

    /** {@code {u32 nr; u32 attr_size; {attr; u32 nr_ids; string name; u64 ids[nr_ids]}[nr]}}. */
    private void eventDesc(ByteOutput o, Feature.EventDesc d) {
        o.u32(d.events().size()).u32(d.attrSize());
        for (Feature.EventDescEntry e : d.events()) {
            byte[] a = AttrEncoder.encode(e.attr(), order);
            if (a.length + e.attrPad().length() != d.attrSize()) {
                throw new IllegalArgumentException("an attr of " + a.length + " bytes and " + e.attrPad().length()
                        + " of padding in a slot of attr_size " + d.attrSize());
            }
            o.bytes(a).bytes(e.attrPad()).u32(e.ids().size());
            string(o, e.nameField());
            e.ids().forEach(o::u64);
        }
    }

    /** Sibling lists, then (newer files) per-CPU core and socket ids, then die siblings and ids. */
    private static void cpuTopology(ByteOutput o, Feature.CpuTopology t) {
        strings(o, t.coreSiblingFields());
        strings(o, t.threadSiblingFields());
        t.cpus().forEach(c -> o.u32(c.coreId()).u32(c.socketId()));
        if (!t.dieSiblingFields().isEmpty() || !t.dieIds().isEmpty()) {
            strings(o, t.dieSiblingFields());
            t.dieIds().forEach(o::u32);
        }
    }
}
