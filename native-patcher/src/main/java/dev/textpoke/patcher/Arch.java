package dev.textpoke.patcher;

import java.util.Locale;

/** The architectures the native patcher runs on (enum tp_arch). */
public enum Arch implements NativeEnum {
    X86_64("x86-64", 0, "linux-x86-64"),
    AARCH64("aarch64", 1, "linux-aarch64");

    private final String label;
    private final int code;
    private final String resourceDir;

    Arch(String label, int code, String resourceDir) {
        this.label = label;
        this.code = code;
        this.resourceDir = resourceDir;
    }

    /** The fixed name: {@code x86-64} or {@code aarch64}. */
    @Override
    public String label() {
        return label;
    }

    @Override
    public int code() {
        return code;
    }

    /** JNA's resource prefix, under which the build puts the library and the driver. */
    String resourceDir() {
        return resourceDir;
    }

    /** The architecture of this JVM, or null if the patcher does not support it. */
    public static Arch host() {
        return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> null;
        };
    }

    public static Arch ofLabel(String label) {
        return NativeEnum.ofLabel(Arch.class, label, "architecture");
    }

    static Arch ofCode(int code) {
        return NativeEnum.ofCode(Arch.class, code, "tp_arch");
    }
}
