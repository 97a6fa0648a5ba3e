package dev.textpoke.elf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real ELF files built on this machine for the tests: every ELF class and byte order, relocatable
 * objects and linked programs, x86 and aarch64. Built with the system compilers into {@code dir}.
 */
final class ElfFixtures {
    static final String SOURCE = """
            int counter = 3;
            static int hidden;
            extern int external(void);
            const char message[] = "textpoke";
            int add(int a) { return a + counter + hidden; }
            int call_out(void) { return external() + message[0]; }
            void _start(void) { for (;;) { counter = add(counter); } }
            """;

    final Path x86_64Object;
    final Path i386Object;
    final Path aarch64Object;
    final Path aarch64BigEndianObject;
    final Path aarch64Ilp32BigEndianObject;
    final Path aarch64Program;
    /** 66,000 sections: extended numbering (e_shnum 0, e_shstrndx SHN_XINDEX) and SHT_SYMTAB_SHNDX. */
    final Path manySections;

    ElfFixtures(Path dir) throws IOException, InterruptedException {
        Path src = dir.resolve("fixture.c");
        Files.writeString(src, SOURCE);
        x86_64Object = compile(dir, "gcc", "x86_64.o", "-c");
        i386Object = compile(dir, "gcc", "i386.o", "-c", "-m32");
        aarch64Object = compile(dir, "aarch64-linux-gnu-gcc", "aarch64.o", "-c");
        aarch64BigEndianObject = compile(dir, "aarch64-linux-gnu-gcc", "aarch64_be.o", "-c", "-mbig-endian");
        aarch64Ilp32BigEndianObject = compile(dir, "aarch64-linux-gnu-gcc", "aarch64_ilp32_be.o", "-c",
                "-mbig-endian", "-mabi=ilp32");
        aarch64Program = compile(dir, "aarch64-linux-gnu-gcc", "aarch64.elf", "-nostdlib", "-static",
                "-Wl,--build-id=sha1", "-Wl,--unresolved-symbols=ignore-all");
        StringBuilder asm = new StringBuilder();
        for (int i = 0; i < 66_000; i++) {
            asm.append(".section .t").append(i).append(",\"ax\"\n.globl s").append(i).append("\ns").append(i)
                    .append(": .byte ").append(i % 256).append('\n');
        }
        Files.writeString(dir.resolve("many.s"), asm);
        ToolRun.run(dir, "as", "-o", "many.o", "many.s");
        manySections = dir.resolve("many.o");
    }

    private static Path compile(Path dir, String cc, String out, String... flags)
            throws IOException, InterruptedException {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(cc);
        cmd.addAll(java.util.List.of(flags));
        cmd.addAll(java.util.List.of("-O1", "-fno-asynchronous-unwind-tables", "-o", out, "fixture.c"));
        ToolRun.run(dir, cmd);
        return dir.resolve(out);
    }
}
