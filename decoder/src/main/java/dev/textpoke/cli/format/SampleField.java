package dev.textpoke.cli.format;

import dev.textpoke.perf.attr.SampleFormat;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The fields {@code textpoke samples -F} prints, named and ordered as {@code perf script -F}
 * prints them (tools/perf/builtin-script.c, {@code process_event}), each with the {@code
 * sample_type} bits it needs (0: any sample has it; for sym, symoff and dso either bit will do;
 * for weight either layout).
 */
public enum SampleField {
    COMM(0), TID(SampleFormat.TID), PID(SampleFormat.TID), CPU(SampleFormat.CPU), TIME(SampleFormat.TIME),
    // perf prints the attr's fixed period when the sample has none.
    PERIOD(0), EVENT(0), TRACE(SampleFormat.RAW), ADDR(SampleFormat.ADDR),
    // What memory sampling records of a load or store: where its data came from, its cost (the
    // weight, or the weight_struct's first word) and the instruction's latency (its second).
    DATA_SRC(SampleFormat.DATA_SRC), WEIGHT(SampleFormat.WEIGHT_TYPE, "WEIGHT"), INS_LAT(SampleFormat.WEIGHT_STRUCT),
    IP(SampleFormat.IP),
    SYM(SampleFormat.IP | SampleFormat.ADDR), SYMOFF(SampleFormat.IP | SampleFormat.ADDR),
    DSO(SampleFormat.IP | SampleFormat.ADDR),
    // With no branch stack perf prints nothing for them; brstacksym names the addresses (with dso,
    // their objects), brstackoff gives them as the objects see them; perf prints one of the three,
    // in this order of preference.
    BRSTACK(0), BRSTACKSYM(0), BRSTACKOFF(0),
    // perf prints these last on the line (after a call chain's frames).
    PHYS_ADDR(SampleFormat.PHYS_ADDR), DATA_PAGE_SIZE(SampleFormat.DATA_PAGE_SIZE),
    CODE_PAGE_SIZE(SampleFormat.CODE_PAGE_SIZE);

    private final long needs;
    /** How perf's message names what is missing, when not by the bits' names. */
    private final String needsName;

    SampleField(long needs) {
        this(needs, null);
    }

    SampleField(long needs, String needsName) {
        this.needs = needs;
        this.needsName = needsName;
    }

    /** What perf script's message says the samples lack when they lack this field's bits. */
    public String needsName() {
        return needsName != null ? needsName : SampleFormat.names(needs);
    }

    /** The sample_type bits this field needs (any one of them), 0 when any sample has it. */
    public long needs() {
        return needs;
    }

    /** Whether a sample of this sample_type has what the field prints. */
    public boolean availableIn(long sampleType) {
        return needs == 0 || (sampleType & needs) != 0;
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
