package dev.textpoke.cli.patcher;

import dev.textpoke.patcher.Arch;
import dev.textpoke.patcher.Placement;
import dev.textpoke.patcher.Protocol;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters for the patcher's fixed names and for CPU and thread lists. */
final class PatcherConverters {
    private PatcherConverters() {}

    /** A fixed patcher name; the message of an unknown one lists the names there are. */
    private abstract static class LabelConverter<E> implements ITypeConverter<E> {
        private final Function<String, E> ofLabel;

        LabelConverter(Function<String, E> ofLabel) {
            this.ofLabel = ofLabel;
        }

        @Override
        public E convert(String value) {
            try {
                return ofLabel.apply(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ProtocolConverter extends LabelConverter<Protocol> {
        ProtocolConverter() {
            super(Protocol::ofLabel);
        }
    }

    static final class ArchConverter extends LabelConverter<Arch> {
        ArchConverter() {
            super(Arch::ofLabel);
        }
    }

    static final class PlacementConverter extends LabelConverter<Placement> {
        PlacementConverter() {
            super(Placement::ofLabel);
        }
    }

    /** A count of runs ({@code --repeat}): a whole number, at least 1. */
    static final class RunCountConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number");
            }
            if (n < 1) {
                throw new TypeConversionException("must be at least 1");
            }
            return n;
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
