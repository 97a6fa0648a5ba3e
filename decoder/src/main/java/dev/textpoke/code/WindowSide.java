package dev.textpoke.code;

/**
 * Which side of an uncertain window a query takes for the modifications in flight at its time.
 * Outside every window both sides give the same bytes.
 */
public enum WindowSide {
    /** Modifications in flight have not happened yet: the old bytes. */
    OLD,
    /** Modifications in flight have happened: the new bytes. */
    NEW
}
