#!/usr/bin/python3
"""Independent record walk of a perf.data file, pipe stream or --threads directory.

An oracle for textpoke's tests that shares no code or logic with textpoke: it steps from record
to record by header.size alone and knows only what is needed to find the next record:

  * PERF_RECORD_AUXTRACE (71) and PERF_RECORD_HEADER_TRACING_DATA (66) are followed by a payload
    outside header.size (u64 size at byte 8, resp. u32 size at byte 8), except that simpleperf
    writes TRACING_DATA with its data inside header.size (header.size > 16);
  * the payloads of PERF_RECORD_COMPRESSED (81: bytes 8..header.size) and COMPRESSED2 (83: u64
    data_size at byte 8, data from byte 16) of one input, concatenated, are one zstd stream; it is
    decompressed with python3-zstandard (Debian's; the `zstd` command if it is missing) and
    walked the same way (records may span payloads).

Sources: tools/perf/Documentation/perf.data-file-format.txt and the structs in
include/uapi/linux/perf_event.h and tools/lib/perf/include/perf/event.h.

Output, one line each, sorted by name:
    PERF_RECORD_<NAME> <count>     every record, the ones inside compressed payloads included,
                                   named as perf names them (user types without HEADER_)
    ERROR <offset> <problem>       when the walk stops before the end (offset: in the file, or
                                   "z<offset>" in the decompressed stream of that file)
With --records, every record as "<file> <offset> <type> <size>" before the counts.

    perfwalk.py [--records] PATH
"""
import os
import struct
import subprocess
import sys

NAMES = {
    1: "MMAP", 2: "LOST", 3: "COMM", 4: "EXIT", 5: "THROTTLE", 6: "UNTHROTTLE", 7: "FORK",
    8: "READ", 9: "SAMPLE", 10: "MMAP2", 11: "AUX", 12: "ITRACE_START", 13: "LOST_SAMPLES",
    14: "SWITCH", 15: "SWITCH_CPU_WIDE", 16: "NAMESPACES", 17: "KSYMBOL", 18: "BPF_EVENT",
    19: "CGROUP", 20: "TEXT_POKE", 21: "AUX_OUTPUT_HW_ID", 22: "CALLCHAIN_DEFERRED",
    64: "ATTR", 65: "EVENT_TYPE", 66: "TRACING_DATA", 67: "BUILD_ID", 68: "FINISHED_ROUND",
    69: "ID_INDEX", 70: "AUXTRACE_INFO", 71: "AUXTRACE", 72: "AUXTRACE_ERROR", 73: "THREAD_MAP",
    74: "CPU_MAP", 75: "STAT_CONFIG", 76: "STAT", 77: "STAT_ROUND", 78: "EVENT_UPDATE",
    79: "TIME_CONV", 80: "FEATURE", 81: "COMPRESSED", 82: "FINISHED_INIT", 83: "COMPRESSED2",
    84: "BPF_METADATA", 85: "SCHEDSTAT_CPU", 86: "SCHEDSTAT_DOMAIN",
}
MAGIC_LE = b"PERFILE2"
MAGIC_BE = b"2ELIFREP"
TRACING_DATA, AUXTRACE, COMPRESSED, COMPRESSED2 = 66, 71, 81, 83


class Stop(Exception):
    def __init__(self, where, problem):
        super().__init__(problem)
        self.where = where
        self.problem = problem


def name_of(rtype):
    return NAMES.get(rtype, "UNKNOWN_%d" % rtype)


class Walk:
    def __init__(self, listing):
        self.counts = {}
        self.listing = listing
        self.error = None

    def count(self, label, where, rtype, size):
        key = "PERF_RECORD_" + name_of(rtype)
        self.counts[key] = self.counts.get(key, 0) + 1
        if self.listing:
            print("%s %s %d %d" % (label, where, rtype, size))

    def records(self, data, start, end, order, label, prefix="", compressed=None):
        """Walks data[start:end]; appends compressed payloads to `compressed` (a list)."""
        u16, u32, u64 = order + "H", order + "I", order + "Q"
        pos = start
        while pos < end:
            where = "%s%d" % (prefix, pos)
            if end - pos < 8:
                raise Stop(where, "%d bytes left, less than a record header" % (end - pos))
            rtype = struct.unpack_from(u32, data, pos)[0]
            size = struct.unpack_from(u16, data, pos + 6)[0]
            if size < 8:
                raise Stop(where, "record size %d is less than its header" % size)
            if pos + size > end:
                raise Stop(where, "record of %d bytes runs past the end at %d" % (size, end))
            extra = 0
            if rtype == AUXTRACE:
                if size < 16:
                    raise Stop(where, "AUXTRACE record too small")
                extra = struct.unpack_from(u64, data, pos + 8)[0]
            elif rtype == TRACING_DATA:
                if size < 12:
                    raise Stop(where, "TRACING_DATA record too small")
                # perf writes the 16-byte (old perf: 12-byte) record and the data after it;
                # simpleperf puts the data inside header.size.
                if size <= 16:
                    extra = struct.unpack_from(u32, data, pos + 8)[0]
            elif rtype == COMPRESSED:
                if compressed is None:
                    raise Stop(where, "compressed record inside compressed data")
                compressed.append(bytes(data[pos + 8:pos + size]))
            elif rtype == COMPRESSED2:
                if compressed is None:
                    raise Stop(where, "compressed record inside compressed data")
                if size < 16:
                    raise Stop(where, "COMPRESSED2 record too small")
                data_size = struct.unpack_from(u64, data, pos + 8)[0]
                if data_size > size - 16:
                    raise Stop(where, "COMPRESSED2 data_size %d exceeds the record" % data_size)
                compressed.append(bytes(data[pos + 16:pos + 16 + data_size]))
            if pos + size + extra > end:
                raise Stop(where, "payload of %d bytes runs past the end" % extra)
            self.count(label, where, rtype, size)
            pos += size + extra

    def stream(self, data, start, end, order, label):
        """Walks one input (file or data.N member) and then its decompressed records."""
        compressed = []
        first_error = None
        try:
            self.records(data, start, end, order, label, compressed=compressed)
        except Stop as stop:
            first_error = stop
        # Records decompressed from the payloads read before an error still count.
        if compressed:
            out, problem = decompress(b"".join(compressed))
            try:
                if problem is not None and not out:
                    raise Stop("z0", "zstd failed: " + problem)
                self.records(out, 0, len(out), order, label, prefix="z")
            except Stop as stop:
                first_error = first_error or stop
        if first_error is not None:
            raise first_error


def decompress(data):
    """All that the zstd frames in `data` decode to, and a problem or None. perf writes one
    frame that runs on across records and never ends, so a cut stream still yields everything
    before the cut: that needs a streaming decompressor (python3-zstandard). The zstd command is
    the fallback; it may hold back up to 128 KB of the output of a cut stream."""
    try:
        import zstandard
    except ImportError:
        print("perfwalk.py: python3-zstandard is missing; using the zstd command", file=sys.stderr)
        raw = subprocess.run(["zstd", "-dc", "-q"], input=data, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        problem = raw.stderr.decode(errors="replace").strip() if raw.returncode else None
        return raw.stdout, problem
    out = bytearray()
    while data:
        d = zstandard.ZstdDecompressor().decompressobj()
        try:
            out += d.decompress(data)
        except zstandard.ZstdError as e:
            return bytes(out), str(e)
        if not d.eof:
            break
        data = d.unused_data
    return bytes(out), None


def header_order(data, path):
    magic = bytes(data[0:8])
    if magic == MAGIC_LE:
        return "<"
    if magic == MAGIC_BE:
        return ">"
    raise Stop("0", "no PERFILE2 magic in " + path)


def walk_file(path, walk, label):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 16:
        raise Stop("0", "shorter than a pipe header")
    order = header_order(data, path)
    header_size = struct.unpack_from(order + "Q", data, 8)[0]
    if header_size == 16:  # pipe mode: records follow the 16-byte header up to the end
        walk.stream(data, 16, len(data), order, label)
        return order
    data_offset, data_size = struct.unpack_from(order + "QQ", data, 40)
    end = data_offset + data_size
    if data_size == 0 or data_offset > len(data):
        raise Stop("40", "data section [%d, %d) is not inside the file of %d bytes"
                   % (data_offset, end, len(data)))
    # A cut file: walk what is there, then say where the data section should have gone on.
    walk.stream(data, data_offset, min(end, len(data)), order, label)
    if end > len(data):
        raise Stop(str(len(data)), "the file ends before the end of the data section at %d" % end)
    return order


def main(argv):
    listing = "--records" in argv
    args = [a for a in argv if a != "--records"]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    path = args[0]
    walk = Walk(listing)
    try:
        if os.path.isdir(path):  # --threads: header in "data", more records in data.N
            order = walk_file(os.path.join(path, "data"), walk, "data")
            members = sorted((m for m in os.listdir(path) if m.startswith("data.")),
                             key=lambda m: int(m[5:]) if m[5:].isdigit() else -1)
            for m in members:
                with open(os.path.join(path, m), "rb") as f:
                    member = f.read()
                walk.stream(member, 0, len(member), order, m)
        else:
            walk_file(path, walk, os.path.basename(path))
    except Stop as stop:
        walk.error = stop
    for key in sorted(walk.counts):
        print("%s %d" % (key, walk.counts[key]))
    if walk.error is not None:
        print("ERROR %s %s" % (walk.error.where, walk.error.problem))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
