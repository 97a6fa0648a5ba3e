package dev.textpoke.code.space;

import java.util.regex.Pattern;

/**
 * The short name perf gives a kernel module ({@code kmod_path__parse_name}, tools/perf/util/dso.c):
 * {@code [name]}, the file name without {@code .ko} (and a compression suffix), dashes as
 * underscores; a name already in brackets as it is.
 */
final class ModuleNames {
    /** A module's file name: {@code .ko}, maybe compressed. */
    private static final Pattern MODULE_FILE = Pattern.compile(".*\\.ko(\\.xz|\\.zst|\\.gz)?$");
    private static final Pattern SUFFIX = Pattern.compile("\\.ko(\\.xz|\\.zst|\\.gz)?$");

    private ModuleNames() {}

    /** Whether a kernel map of this name is a module's: a {@code .ko} path, or {@code [name]}. */
    static boolean isModule(String mapName) {
        return mapName.startsWith("/") && MODULE_FILE.matcher(mapName).matches()
                || mapName.startsWith("[") && mapName.endsWith("]");
    }

    /** {@code [name]} for a module's path or name. */
    static String shortName(String path) {
        if (path.startsWith("[")) {
            return path;
        }
        String base = SUFFIX.matcher(path.substring(path.lastIndexOf('/') + 1)).replaceFirst("");
        return "[" + base.replace('-', '_') + "]";
    }
}
