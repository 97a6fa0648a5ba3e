package dev.textpoke.branches;

import dev.textpoke.io.InputFormatException;

/**
 * A sample whose branch stack could not be read (its {@code nr} runs past the record, an entry is
 * cut: {@code BAD_BRANCH_STACK}): reported and skipped, while the records around it are read on.
 * The record's own size is still good, so nothing after it is lost.
 *
 * @param problem what the parser found, with the byte offset of the bad field
 */
public record DamagedStack(long index, long offset, InputFormatException problem) implements StackItem {}
