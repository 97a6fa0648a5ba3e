package dev.textpoke.cli.format;

import java.util.Set;

/**
 * The one rule for the JSON type of a number, whatever the record or command (docs/json.md):
 * addresses and bit patterns (flags, masks, register values) are hex strings {@code "0x..."},
 * because they use all 64 bits and tools that read JSON numbers as doubles (jq, JavaScript) lose
 * the low bits above 2^53; quantities (sizes, lengths, counts, file offsets, times, ids, pids,
 * cpus, periods) are integers.
 */
public final class JsonTypes {
    /** Field names whose numbers are hex strings. */
    private static final Set<String> HEX = Set.of("addr", "ip", "from", "to", "flags", "prot", "mask", "misc",
            "data_src", "transaction", "phys_addr", "dev", "hw_id", "time_mask", "cookie", "reference", "insn_addr",
            "config", "config1", "config2", "config3", "sample_regs_user", "sample_regs_intr", "sig_data",
            "aux_action", "read_format");

    private JsonTypes() {}

    /** Whether a number in a field of this name is written as a {@code "0x..."} string. */
    public static boolean isHex(String field) {
        return HEX.contains(field);
    }
}
