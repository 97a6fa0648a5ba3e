#!/usr/bin/env python3
"""Rewrites a little-endian perf.data as a big-endian machine's perf would have written it.

No big-endian recording is at hand (every public file found is little-endian), so the
cross-endian traces in traces/crossendian/ are made from little-endian recordings with this tool
and then checked with perf itself, which reads byte-swapped files: `perf report -D` must list the
same records with the same values as for the original. It shares no code with textpoke.

Field by field, after the structs in include/uapi/linux/perf_event.h,
tools/lib/perf/include/perf/event.h and tools/perf/Documentation/perf.data-file-format.txt:
  * every u16/u32/u64 is byte-swapped; strings, build ids and comm arrays are copied;
  * the perf_event_attr flag word (the C bitfields after read_format) is laid out from the most
    significant bit on a big-endian machine, so each of its bytes is bit-reversed and the bytes
    keep their order (perf undoes this in swap_bitfield());
  * the feature bitmap is an array of u64 words.
Only what the recordings it is used on contain is supported; anything else stops it with an
error rather than writing a wrong file. Feature sections other than the ones listed in FEATURES
are dropped; in pipe mode every HEADER_FEATURE record is dropped, because perf 6.1 does not
swap their feat_id and could not check the result.

    swap-endian.py IN OUT
"""
import struct
import sys

# Feature ids kept, with how their payload is swapped.
STRING_FEATURES = {3, 4, 5, 6, 8, 9}          # HOSTNAME OSRELEASE VERSION ARCH CPUDESC CPUID
FEATURES = STRING_FEATURES | {2, 7, 10, 11, 12, 21, 23}  # BUILD_ID NRCPUS TOTAL_MEM CMDLINE EVENT_DESC SAMPLE_TIME CLOCKID

# sample_type bits (include/uapi/linux/perf_event.h)
IP, TID, TIME, ADDR, READ, CALLCHAIN, ID, CPU, PERIOD, STREAM_ID = (1 << b for b in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9))
RAW, BRANCH_STACK, IDENTIFIER = 1 << 10, 1 << 11, 1 << 16
SUPPORTED_SAMPLE = IP | TID | TIME | ADDR | READ | CALLCHAIN | ID | CPU | PERIOD | STREAM_ID | IDENTIFIER

# perf_event_attr fields up to VER8 (136 bytes): (offset, width); 40 is the flag word.
ATTR_FIELDS = [(0, 4), (4, 4), (8, 8), (16, 8), (24, 8), (32, 8), (48, 4), (52, 4), (56, 8), (64, 8),
               (72, 8), (80, 8), (88, 4), (92, 4), (96, 8), (104, 4), (108, 2), (110, 2), (112, 4),
               (116, 4), (120, 8), (128, 8)]
FLAGS = 40


class Unsupported(Exception):
    pass


class Buf:
    """A mutable copy of the input with in-place swaps of fields read in little-endian."""

    def __init__(self, data):
        self.b = bytearray(data)

    def get(self, off, width):
        return int.from_bytes(self.b[off:off + width], "little")

    def swap(self, off, width):
        self.b[off:off + width] = self.b[off:off + width][::-1]

    def swap_seq(self, off, widths):
        for w in widths:
            self.swap(off, w)
            off += w
        return off

    def swap_u64s(self, off, end):
        if (end - off) % 8:
            raise Unsupported("%d bytes at %d are not u64s" % (end - off, off))
        while off < end:
            self.swap(off, 8)
            off += 8


def reverse_bits(byte):
    return int("{:08b}".format(byte)[::-1], 2)


def swap_attr(buf, off, size):
    for field, width in ATTR_FIELDS:
        if field + width <= size:
            buf.swap(off + field, width)
    if FLAGS + 8 <= size:
        for i in range(8):
            buf.b[off + FLAGS + i] = reverse_bits(buf.b[off + FLAGS + i])
    if size > 136:
        raise Unsupported("perf_event_attr of %d bytes" % size)


class Attr:
    def __init__(self, buf, off):
        self.size = buf.get(off + 4, 4) or 64
        self.sample_type = buf.get(off + 24, 8)
        self.read_format = buf.get(off + 32, 8)
        self.sample_id_all = (buf.get(off + FLAGS, 8) >> 18) & 1
        self.ids = []


def popcount(v):
    return bin(v).count("1")


class Swapper:
    def __init__(self, data):
        self.buf = Buf(data)
        self.attrs = []
        self.by_id = {}

    # -- attrs and samples -------------------------------------------------------------------
    def add_attr(self, attr, ids):
        if attr.sample_type & ~SUPPORTED_SAMPLE:
            raise Unsupported("sample_type 0x%x" % attr.sample_type)
        attr.ids = ids
        self.attrs.append(attr)
        for i in ids:
            self.by_id[i] = attr

    def attr_of(self, off, size, sample):
        """The attr of a record, found as perf finds it (evlist__event2evsel): the only one, or
        by the id at IDENTIFIER's or ID's position."""
        if len(self.attrs) == 1:
            return self.attrs[0]
        st = self.attrs[0].sample_type
        if st & IDENTIFIER:
            at = off + 8 if sample else off + size - 8
        elif st & ID and sample:
            at = off + 8 + 8 * popcount(st & (IP | TID | TIME | ADDR))
        elif st & ID and self.attrs[0].sample_id_all:
            at = off + size - 8 * (1 + popcount(st & (CPU | STREAM_ID)))
        else:
            return self.attrs[0]  # perf's choice for records without an id
        ident = self.buf.get(at, 8)
        if ident == 0:  # synthesized by perf: the first attr (evlist__id2evsel)
            return self.attrs[0]
        if ident not in self.by_id:
            raise Unsupported("record at %d has the unknown id %d" % (off, ident))
        return self.by_id[ident]

    def swap_sample(self, off, size):
        attr = self.attr_of(off, size, True)
        st = attr.sample_type
        pos = off + 8
        for bit in (IDENTIFIER, IP, TID, TIME, ADDR, ID, STREAM_ID, CPU, PERIOD):
            if st & bit:
                if bit in (TID, CPU):
                    self.buf.swap_seq(pos, (4, 4))
                else:
                    self.buf.swap(pos, 8)
                pos += 8
        # READ and CALLCHAIN are u64s to the end (no RAW, branch stack or registers).
        self.buf.swap_u64s(pos, off + size)

    def trailer(self, off, size):
        """Swaps the sample_id trailer of a kernel record; returns where the body ends."""
        attr = self.attr_of(off, size, False)
        if not attr.sample_id_all:
            return off + size
        st = attr.sample_type
        bits = [b for b in (TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER) if st & b]
        start = off + size - 8 * len(bits)
        for i, bit in enumerate(bits):
            if bit in (TID, CPU):
                self.buf.swap_seq(start + 8 * i, (4, 4))
            else:
                self.buf.swap(start + 8 * i, 8)
        return start

    # -- records -------------------------------------------------------------------------------
    def swap_cpu_map_data(self, pos, end):
        kind = self.buf.get(pos, 2)
        self.buf.swap(pos, 2)
        pos += 2
        if kind == 0:  # CPUS: u16 nr; u16 cpu[nr]
            nr = self.buf.get(pos, 2)
            self.buf.swap_seq(pos, [2] * (nr + 1))
        elif kind == 2:  # RANGE_CPUS: u8 any_cpu; u8 pad; u16 start, end
            self.buf.swap_seq(pos + 2, (2, 2))
        else:
            raise Unsupported("cpu map type %d" % kind)

    def swap_record(self, off, keep_features):
        """Swaps one record in place; returns (size, extra payload, keep?)."""
        b = self.buf
        rtype, misc, size = b.get(off, 4), b.get(off + 4, 2), b.get(off + 6, 2)
        b.swap_seq(off, (4, 2, 2))
        p = off + 8
        if rtype == 9:
            self.swap_sample(off, size)
        elif rtype in (1, 2, 3, 4, 5, 6, 7, 10, 13, 14, 15, 16):
            end = self.trailer(off, size)
            if rtype == 1:
                b.swap_seq(p, (4, 4, 8, 8, 8))
            elif rtype == 2:
                b.swap_seq(p, (8, 8))
            elif rtype == 3:
                b.swap_seq(p, (4, 4))
            elif rtype in (4, 7):
                b.swap_seq(p, (4, 4, 4, 4, 8))
            elif rtype in (5, 6):
                b.swap_seq(p, (8, 8, 8))
            elif rtype == 10:
                p = b.swap_seq(p, (4, 4, 8, 8, 8))
                p = b.swap_seq(p, (1, 1, 2) if misc & (1 << 14) else (4, 4, 8, 8))
                if misc & (1 << 14):
                    p += 20
                b.swap_seq(p, (4, 4))
            elif rtype == 13:
                b.swap(p, 8)
            elif rtype == 15:
                b.swap_seq(p, (4, 4))
            elif rtype == 16:
                nr = b.get(p + 8, 8)
                b.swap_seq(p, (4, 4))
                b.swap_u64s(p + 8, p + 16 + 16 * nr)
            del end
        elif rtype in (68, 82):
            pass
        elif rtype == 69:  # ID_INDEX
            b.swap_u64s(p, off + size)
        elif rtype == 73:  # THREAD_MAP: u64 nr; {u64 pid; char comm[16]}[nr]
            nr = b.get(p, 8)
            b.swap(p, 8)
            for i in range(nr):
                b.swap(p + 8 + 24 * i, 8)
        elif rtype == 74:
            self.swap_cpu_map_data(p, off + size)
        elif rtype == 78:  # EVENT_UPDATE: u64 type; u64 id; payload
            kind = b.get(p, 8)
            b.swap_seq(p, (8, 8))
            if kind == 1:
                b.swap(p + 16, 8)  # scale, a double
            elif kind == 3:
                self.swap_cpu_map_data(p + 16, off + size)
            elif kind not in (0, 2):
                raise Unsupported("EVENT_UPDATE type %d" % kind)
        elif rtype == 67:  # HEADER_BUILD_ID: s32 pid; u8 build_id[24]; char filename[]
            b.swap(p, 4)
        elif rtype == 79:  # TIME_CONV: u64 x5 (older: x3), then u8 fields
            b.swap_u64s(p, p + min(40, size - 8))
        elif rtype == 64:  # HEADER_ATTR: attr, then u64 ids
            attr = Attr(b, p)
            ids_at = p + attr.size
            ids = [b.get(i, 8) for i in range(ids_at, off + size, 8)]
            swap_attr(b, p, attr.size)
            b.swap_u64s(ids_at, off + size)
            self.add_attr(attr, ids)
        elif rtype == 80:  # HEADER_FEATURE: u64 id; payload
            feat = b.get(p, 8)
            if feat not in keep_features:
                return size, 0, False
            b.swap(p, 8)
            self.swap_feature(feat, p + 8, off + size)
        else:
            raise Unsupported("record type %d at %d" % (rtype, off))
        return size, 0, True

    def swap_records(self, start, end, keep_features):
        """Swaps records in [start, end); returns the bytes of the records kept, in order."""
        out = bytearray()
        pos = start
        while pos < end:
            size, extra, keep = self.swap_record(pos, keep_features)
            if size < 8:
                raise Unsupported("record size %d at %d" % (size, pos))
            if keep:
                out += self.buf.b[pos:pos + size + extra]
            pos += size + extra
        return out

    # -- features ------------------------------------------------------------------------------
    def swap_string(self, pos):
        n = self.buf.get(pos, 4)
        self.buf.swap(pos, 4)
        return pos + 4 + n

    def swap_feature(self, feat, pos, end):
        b = self.buf
        if feat in STRING_FEATURES:
            self.swap_string(pos)
        elif feat == 7:
            b.swap_seq(pos, (4, 4))
        elif feat in (10, 23):
            b.swap(pos, 8)
        elif feat == 21:
            b.swap_seq(pos, (8, 8))
        elif feat == 11:
            nr = b.get(pos, 4)
            b.swap(pos, 4)
            pos += 4
            for _ in range(nr):
                pos = self.swap_string(pos)
        elif feat == 12:  # EVENT_DESC
            nr, attr_size = b.get(pos, 4), b.get(pos + 4, 4)
            b.swap_seq(pos, (4, 4))
            pos += 8
            for _ in range(nr):
                swap_attr(b, pos, Attr(b, pos).size)
                pos += attr_size
                nr_ids = b.get(pos, 4)
                b.swap(pos, 4)
                pos = self.swap_string(pos + 4)
                b.swap_u64s(pos, pos + 8 * nr_ids)
                pos += 8 * nr_ids
        elif feat == 2:  # BUILD_ID: perf_record_header_build_id records
            while pos < end:
                size = b.get(pos + 6, 2)
                b.swap_seq(pos, (4, 2, 2, 4))
                pos += size
        else:
            raise Unsupported("feature %d" % feat)


def convert_file(sw, data):
    b = sw.buf
    if len(data) < 104:
        raise Unsupported("not a file-mode perf.data")
    attr_size = b.get(16, 8)
    attrs_off, attrs_size = b.get(24, 8), b.get(32, 8)
    data_off, data_size = b.get(40, 8), b.get(48, 8)
    words = [b.get(72 + 8 * i, 8) for i in range(4)]
    features = [f for f in range(256) if words[f // 64] >> (f % 64) & 1]
    table = data_off + data_size
    sections = {f: (b.get(table + 16 * i, 8), b.get(table + 16 * i + 8, 8)) for i, f in enumerate(features)}
    b.b[0:8] = b"PERFILE2"[::-1]
    b.swap_u64s(8, 72)
    for i in range(nr_attrs := attrs_size // attr_size):
        at = attrs_off + i * attr_size
        attr = Attr(b, at)
        ids_off, ids_size = b.get(at + attr.size, 8), b.get(at + attr.size + 8, 8)
        ids = [b.get(ids_off + j, 8) for j in range(0, ids_size, 8)]
        swap_attr(b, at, attr.size)
        b.swap_u64s(at + attr.size, at + attr.size + 16)
        b.swap_u64s(ids_off, ids_off + ids_size)
        sw.add_attr(attr, ids)
    del nr_attrs
    records = sw.swap_records(data_off, data_off + data_size, FEATURES)
    if len(records) != data_size:
        raise Unsupported("file mode: every record must be kept")
    kept = [f for f in features if f in FEATURES]
    out = bytearray(b.b[:table])
    payloads = bytearray()
    entries = []
    start = table + 16 * len(kept)
    for f in kept:
        off, size = sections[f]
        sw.swap_feature(f, off, off + size)
        entries.append(struct.pack(">QQ", start + len(payloads), size))
        payloads += b.b[off:off + size]
    for e in entries:
        out += e
    out += payloads
    bitmap = [0, 0, 0, 0]
    for f in kept:
        bitmap[f // 64] |= 1 << (f % 64)
    out[72:104] = b"".join(struct.pack(">Q", w) for w in bitmap)
    return bytes(out)


def convert_pipe(sw, data):
    # perf 6.1 does not swap HEADER_FEATURE's feat_id ("wrong feature ID"), so a swapped pipe
    # stream that perf can check has no HEADER_FEATURE records.
    b = sw.buf
    b.b[0:8] = b"PERFILE2"[::-1]
    b.swap(8, 8)
    return bytes(b.b[:16]) + bytes(sw.swap_records(16, len(data), set()))


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], "rb") as f:
        data = f.read()
    if data[0:8] != b"PERFILE2":
        print("swap-endian: %s is not a little-endian PERFILE2 file" % argv[0], file=sys.stderr)
        return 1
    sw = Swapper(data)
    try:
        pipe = struct.unpack_from("<Q", data, 8)[0] == 16
        out = convert_pipe(sw, data) if pipe else convert_file(sw, data)
    except Unsupported as e:
        print("swap-endian: %s: unsupported: %s" % (argv[0], e), file=sys.stderr)
        return 1
    with open(argv[1], "wb") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
