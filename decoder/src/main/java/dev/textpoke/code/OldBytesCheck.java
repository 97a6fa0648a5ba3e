package dev.textpoke.code;

import java.util.Optional;

/**
 * What the model held where a modification says its old bytes were, just before it was applied.
 *
 * @param model the model's bytes over the old bytes' range (empty for an old length of 0)
 * @param cause for a mismatch, the likeliest reason
 */
public record OldBytesCheck(Outcome outcome, CodeBytes model, Optional<MismatchCause> cause) {

    public enum Outcome {
        /** Every old byte is known to the model and equal (vacuously so for an old length of 0 in an
         *  image or announced region). */
        MATCHED,
        /** At least one old byte differs from the model's known byte. */
        MISMATCHED,
        /** Some old bytes are not covered by any image or region, and the known ones agree. */
        NOT_COVERED
    }

    /** Why a modification's old bytes do not match the model. */
    public enum MismatchCause {
        /** Nothing in the trace had changed these bytes before: the base image does not hold what
         *  the kernel had when recording started (e.g. a vmlinux instead of a kcore copy). */
        WRONG_BASELINE("the base image does not hold the running kernel's bytes"),
        /** Earlier modifications changed these bytes, but not into these old bytes: a modification
         *  is missing from the trace (lost events, or text changed without an event). */
        LOST_MODIFICATION("a modification of these bytes is missing from the trace"),
        /** This modification and the next one at the same address match when swapped: the trace
         *  has them in the wrong order. */
        MISORDERED("this and the next modification at this address are in the wrong order");

        private final String description;

        MismatchCause(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    public OldBytesCheck {
        if (cause.isPresent() != (outcome == Outcome.MISMATCHED)) {
            throw new IllegalArgumentException("a cause goes with a mismatch, and only with one");
        }
    }

    /** {@code true} matched, {@code false} mismatched, {@code null} not covered by the model. */
    public Boolean oldMatches() {
        return switch (outcome) {
            case MATCHED -> Boolean.TRUE;
            case MISMATCHED -> Boolean.FALSE;
            case NOT_COVERED -> null;
        };
    }
}
