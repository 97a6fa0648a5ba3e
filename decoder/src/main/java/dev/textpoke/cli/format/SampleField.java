package dev.textpoke.cli.format;

import dev.textpoke.perf.attr.SampleFormat;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The fields {@code textpoke samples -F} prints, named and ordered as {@code perf script -F}
 * prints them, each with the {@code sample_type} bit it needs (0: always there).
 */
public enum SampleField {
    COMM(0), TID(SampleFormat.TID), PID(SampleFormat.TID), CPU(SampleFormat.CPU), TIME(SampleFormat.TIME),
    // perf prints the attr's fixed period when the sample has none.
    PERIOD(0), EVENT(0), ADDR(SampleFormat.ADDR), IP(SampleFormat.IP),
    // With no branch stack perf prints nothing for it.
    BRSTACK(0);

    private final long needs;

    SampleField(long needs) {
        this.needs = needs;
    }

    /** The sample_type bit this field needs, 0 when any sample has it. */
    public long needs() {
        return needs;
    }

    public String perfName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code comm,tid,...} as given to -F, in any order; perf's order is kept in the set. */
    public static EnumSet<SampleField> parse(String list) {
        EnumSet<SampleField> fields = EnumSet.noneOf(SampleField.class);
        for (String name : list.split(",")) {
            String n = name.trim();
            if (n.equals("callchain")) { // an alias: the call chain is printed with the ip
                n = "ip";
            }
            try {
                fields.add(valueOf(n.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown field '" + n + "'; fields: " + names());
            }
        }
        return fields;
    }

    static String names() {
        List<String> names = new ArrayList<>();
        for (SampleField f : values()) {
            names.add(f.perfName());
        }
        return String.join(",", names);
    }
}
