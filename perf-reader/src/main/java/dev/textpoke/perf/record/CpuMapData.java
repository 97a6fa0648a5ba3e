package dev.textpoke.perf.record;

import dev.textpoke.io.Bytes;
import java.util.List;

/**
 * {@code struct perf_record_cpu_map_data} (tools/lib/perf/include/perf/event.h, packed): a u16
 * type, then a list of CPUs, a bit mask in 32- or 64-bit words, or a range.
 */
public sealed interface CpuMapData {
    int CPUS = 0;
    int MASK = 1;
    int RANGE_CPUS = 2;

    /** The CPUs this map holds, ascending (empty for an any-CPU range or unknown form). */
    List<Integer> cpus();

    /** {@code {u16 nr; u16 cpu[nr]}}; a cpu of 0xffff (-1) means "any". */
    record Cpus(List<Integer> cpus) implements CpuMapData {
        public Cpus {
            cpus = List.copyOf(cpus);
        }
    }

    /**
     * {@code {u16 nr; u16 long_size; [char __pad[4] when long_size is 8]; mask[nr]}}; {@code pad}
     * holds those 4 bytes as written (empty for 32-bit words).
     */
    record Mask(int longSize, Bytes pad, List<Long> words) implements CpuMapData {
        public Mask {
            pad = pad == null ? Bytes.EMPTY : pad;
            words = List.copyOf(words);
        }

        @Override
        public List<Integer> cpus() {
            List<Integer> out = new java.util.ArrayList<>();
            int bits = longSize * 8;
            for (int w = 0; w < words.size(); w++) {
                for (int b = 0; b < bits; b++) {
                    if ((words.get(w) >>> b & 1) != 0) {
                        out.add(w * bits + b);
                    }
                }
            }
            return out;
        }
    }

    /** {@code {u8 any_cpu; u8 __pad; u16 start_cpu, end_cpu}}: every CPU in [start, end], plus "any" when any_cpu is not 0. */
    record Range(int anyCpu, int pad, int start, int end) implements CpuMapData {
        public boolean any() {
            return anyCpu != 0;
        }

        @Override
        public List<Integer> cpus() {
            List<Integer> out = new java.util.ArrayList<>();
            for (int c = start; c <= end; c++) {
                out.add(c);
            }
            return out;
        }
    }

    /** A form this reader does not know. */
    record Other(int type, Bytes data) implements CpuMapData {
        @Override
        public List<Integer> cpus() {
            return List.of();
        }
    }
}
