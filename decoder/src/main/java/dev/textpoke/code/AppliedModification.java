package dev.textpoke.code;

/**
 * A modification as the timeline applied it.
 *
 * @param index its place among all modifications in time order, from 0
 * @param check how its old bytes compared with the model just before it
 */
public record AppliedModification(int index, Modification modification, OldBytesCheck check) {}
