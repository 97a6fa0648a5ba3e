package dev.textpoke.code.space;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * C++ symbol names demangled as perf prints them: perf demangles with libiberty's {@code
 * bfd_demangle} without parameter lists ({@code demangle_sym} in tools/perf/util/symbol-elf.c);
 * binutils' {@code c++filt -p} is the same demangler with the same option (it also expands the
 * standard abbreviations, {@code DMGL_VERBOSE}, which perf does not). One {@code c++filt} run per
 * object file, for all of its mangled names; without {@code c++filt} the names stay mangled.
 */
final class Demangler {
    private Demangler() {}

    /** Demangled names for those of {@code names} that are mangled ({@code _Z...}); others are left out. */
    static Map<String, String> demangle(List<String> names) {
        List<String> mangled = new ArrayList<>();
        for (String n : names) {
            if (n.startsWith("_Z")) {
                mangled.add(n);
            }
        }
        Map<String, String> out = new HashMap<>();
        if (mangled.isEmpty()) {
            return out;
        }
        try {
            Process p = new ProcessBuilder("c++filt", "-p").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread writer = new Thread(() -> {
                try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(),
                        StandardCharsets.ISO_8859_1))) {
                    for (String m : mangled) {
                        w.write(m);
                        w.write('\n');
                    }
                } catch (IOException e) {
                    // c++filt went away: the names it did not answer stay mangled
                }
            }, "c++filt input");
            writer.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.ISO_8859_1))) {
                for (String m : mangled) {
                    String d = r.readLine();
                    if (d == null) {
                        break;
                    }
                    if (!d.equals(m)) {
                        out.put(m, d);
                    }
                }
            }
            writer.join();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no c++filt: mangled names
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }
}
