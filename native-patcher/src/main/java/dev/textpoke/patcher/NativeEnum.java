package dev.textpoke.patcher;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An enum that mirrors one of the native library's C enums: each constant has a fixed label (the
 * name users type and JSON prints) and the C value it crosses the JNA boundary as. The lookups
 * live here once so that every mirrored enum fails the same way on a value it does not know.
 */
public interface NativeEnum {
    /** The fixed name, as commands, JSON and documentation spell it. */
    String label();

    /** The value of the matching C enumerator. */
    int code();

    /** The constant whose label is {@code label}; the message lists the labels there are. */
    static <E extends Enum<E> & NativeEnum> E ofLabel(Class<E> type, String label, String what) {
        for (E e : type.getEnumConstants()) {
            if (e.label().equals(label)) {
                return e;
            }
        }
        String known = Arrays.stream(type.getEnumConstants()).map(NativeEnum::label).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("unknown " + what + " '" + label + "' (expected one of " + known + ")");
    }

    /** The constant for a C value the library returned; anything else is a library/binding mismatch. */
    static <E extends Enum<E> & NativeEnum> E ofCode(Class<E> type, int code, String cEnum) {
        for (E e : type.getEnumConstants()) {
            if (e.code() == code) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + cEnum + " " + code);
    }
}
