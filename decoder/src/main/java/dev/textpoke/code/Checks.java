package dev.textpoke.code;

import dev.textpoke.code.OldBytesCheck.MismatchCause;
import dev.textpoke.code.OldBytesCheck.Outcome;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The old-bytes check of every modification, by index in time order, compactly: an outcome and a
 * cause per modification, and the model's bytes only where they differ from the old bytes.
 */
final class Checks {
    private static final Outcome[] OUTCOMES = Outcome.values();
    private static final MismatchCause[] CAUSES = MismatchCause.values();
    static final byte NO_CAUSE = -1;

    final byte[] outcome;
    final byte[] cause;
    /** The model's bytes for every modification that did not match. */
    final Map<Integer, CodeBytes> unmatchedModels = new HashMap<>();

    Checks(int count) {
        outcome = new byte[count];
        cause = new byte[count];
    }

    void set(int index, Outcome o, CodeBytes model, byte why) {
        outcome[index] = (byte) o.ordinal();
        cause[index] = why;
        if (o != Outcome.MATCHED) {
            unmatchedModels.put(index, model);
        }
    }

    Outcome outcome(int index) {
        return OUTCOMES[outcome[index]];
    }

    OldBytesCheck of(int index, Modification m) {
        CodeBytes model = unmatchedModels.get(index);
        if (model == null) {
            boolean[] known = new boolean[m.oldBytes().length()];
            Arrays.fill(known, true);
            model = new CodeBytes(m.address(), m.oldBytes().toArray(), known);
        }
        Optional<MismatchCause> why = cause[index] == NO_CAUSE ? Optional.empty()
                : Optional.of(CAUSES[cause[index]]);
        return new OldBytesCheck(outcome(index), model, why);
    }
}
