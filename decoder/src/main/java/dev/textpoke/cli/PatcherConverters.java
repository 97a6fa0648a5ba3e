package dev.textpoke.cli;

import dev.textpoke.patcher.Arch;
import dev.textpoke.patcher.Placement;
import dev.textpoke.patcher.Protocol;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for the patcher's fixed names and for CPU and thread lists. */
final class PatcherConverters {
    private PatcherConverters() {}

    static final class ProtocolConverter implements ITypeConverter<Protocol> {
        @Override
        public Protocol convert(String value) {
            try {
                return Protocol.ofLabel(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " (expected naive, atomic, int3,"
                        + " int3-sync, mprotect, batch, brk or brk-sync)");
            }
        }
    }

    static final class ArchConverter implements ITypeConverter<Arch> {
        @Override
        public Arch convert(String value) {
            try {
                return Arch.ofLabel(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class PlacementConverter implements ITypeConverter<Placement> {
        @Override
        public Placement convert(String value) {
            try {
                return Placement.ofLabel(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** "0,1,4-7" as a bit mask of CPU numbers (below 64, the library's limit). */
    static final class CpuListConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long mask = 0;
            for (int cpu : numbers(value)) {
                if (cpu >= 64) {
                    throw new TypeConversionException("CPU " + cpu + " is beyond the 64 --cpus can name");
                }
                mask |= 1L << cpu;
            }
            return mask;
        }
    }

    /** "0,1,4-7" or "0-3" as numbers, in order; throws TypeConversionException. */
    static List<Integer> numbers(String value) {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String[] range = part.strip().split("-", -1);
            try {
                int lo = Integer.parseInt(range[0]);
                int hi = range.length == 2 ? Integer.parseInt(range[1]) : lo;
                if (range.length > 2 || lo < 0 || hi < lo || hi - lo > 1024) {
                    throw new NumberFormatException();
                }
                for (int n = lo; n <= hi; n++) {
                    out.add(n);
                }
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + part + "' is not a number or a range like 0-3");
            }
        }
        return out;
    }
}
