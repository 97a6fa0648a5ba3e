package dev.textpoke.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, point 11: the launcher builds in place no more. It is run here from a scratch copy
 * with stand-ins for {@code mvn} (slow, and writing the jar a byte at a time, as a build does)
 * and {@code java} (which prints the jar it was given and that jar's contents): two launchers
 * started together build once, the second waits for the first and both run the same complete jar;
 * a launcher started while a build is half-way runs the previous complete jar or waits, never a
 * partial one.
 */
class LauncherTest {
    @TempDir
    Path tmp;

    private Path root;
    private Path bin;

    private void scratch() throws IOException {
        root = Files.createDirectories(tmp.resolve("repo"));
        Files.copy(TestTraces.root().resolve("textpoke"), root.resolve("textpoke"));
        Files.createDirectories(root.resolve("scripts"));
        exec(root.resolve("scripts/ensure-deps"), "#!/bin/sh\nexit 0\n");
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(root.resolve("decoder/src/main"));
        Files.writeString(root.resolve("decoder/src/main/Source.java"), "v1\n");
        bin = Files.createDirectories(tmp.resolve("bin"));
        // mvn: counts its runs, then writes the "jar" slowly; the jar's content is the source's.
        exec(bin.resolve("mvn"), "#!/bin/bash\n"
                + "echo run >> \"" + tmp.resolve("mvn-runs") + "\"\n"
                + "cat > /dev/null\n" // as Maven's exec plugin hands its stdin to native-patcher's make
                + "mkdir -p decoder/target/lib\n"
                + "rm -f decoder/target/textpoke.jar\n"
                + "for i in 1 2 3 4 5 6 7 8; do printf '%s' \"$(cat decoder/src/main/Source.java)\" | head -c 1 >> decoder/target/textpoke.jar; sleep 0.2; done\n"
                + "cat decoder/src/main/Source.java > decoder/target/textpoke.jar\n");
        // java: the training run and the archive's dump do nothing; a run prints the jar it was given
        // and its content, what it read on stdin, and its locale's character set.
        exec(bin.resolve("java"), "#!/bin/bash\n"
                + "for a in \"$@\"; do case \"$a\" in -XX:DumpLoadedClassList=*|-Xshare:dump) exit 0 ;; esac; done\n"
                + "while [ \"$1\" != -jar ]; do shift; done\n"
                + "echo \"ran $(cat \"$2\")\"\n"
                + "[ -t 0 ] || echo \"stdin: $(cat)\"\n"
                + "echo \"charmap: $(locale charmap)\"\n");
    }

    private static void exec(Path p, String text) throws IOException {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Process launch() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("textpoke").toString(), "info", "x");
        Map<String, String> env = pb.environment();
        env.put("PATH", bin + ":" + env.get("PATH"));
        Process p = pb.redirectErrorStream(true).start();
        p.getOutputStream().close(); // an empty standard input
        return p;
    }

    private static String finish(Process p) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "a launcher still running after a minute");
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void twoLaunchersBuildOnceAndRunTheSameCompleteJar() throws Exception {
        scratch();
        Process first = launch();
        Thread.sleep(300);
        Process second = launch();
        String a = finish(first);
        String b = finish(second);
        assertTrue(a.contains("ran v1"), a);
        assertTrue(b.contains("ran v1"), b);
        assertTrue(b.contains("waiting") || a.contains("waiting"), "the second one waited: " + a + b);
        assertEquals(List.of("run"), Files.readAllLines(tmp.resolve("mvn-runs")), "one build");
        assertTrue(Files.isSymbolicLink(root.resolve(".build/current")));
    }

    @Test
    void theBuildLeavesTheCommandsStandardInputToIt() throws Exception {
        // ./textpoke samples - < perf.data on first use: the build must not read the stream
        scratch();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("textpoke").toString(), "samples", "-");
        pb.environment().put("PATH", bin + ":" + pb.environment().get("PATH"));
        Process p = pb.redirectErrorStream(true).start();
        p.getOutputStream().write("the perf.data stream\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = finish(p);
        assertTrue(out.contains("ran v1"), out);
        assertTrue(out.contains("stdin: the perf.data stream"), out);
    }

    @Test
    void underTheCLocaleTheJvmGetsAUtf8One() throws Exception {
        // else the JVM encodes file names as ASCII, and cannot open /tmp/café.data
        scratch();
        ProcessBuilder pb = new ProcessBuilder(root.resolve("textpoke").toString(), "info", "x");
        pb.environment().put("PATH", bin + ":" + pb.environment().get("PATH"));
        pb.environment().put("LC_ALL", "C");
        Process p = pb.redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = finish(p);
        assertTrue(out.contains("charmap: UTF-8"), out);
    }

    /**
     * A build killed while it wrote the jar (Ctrl-C, a timeout) leaves a cut jar in the target
     * directory, and Maven's jar plugin packages nothing anew when the jar looks newer than the
     * classes: the stand-in mvn keeps a jar that is there, as that plugin does. The next build must
     * not take the cut one.
     */
    @Test
    void aJarLeftByAKilledBuildIsNotTakenAgain() throws Exception {
        scratch();
        exec(bin.resolve("mvn"), "#!/bin/bash\n"
                + "mkdir -p decoder/target/lib\n"
                + "[ -f decoder/target/textpoke.jar ] || cat decoder/src/main/Source.java > decoder/target/textpoke.jar\n");
        Files.createDirectories(root.resolve("decoder/target"));
        Files.writeString(root.resolve("decoder/target/textpoke.jar"), "cut\n");
        String out = finish(launch());
        assertTrue(out.contains("ran v1"), out);
    }

    @Test
    void aLauncherDuringARebuildNeverRunsAPartialJar() throws Exception {
        scratch();
        assertTrue(finish(launch()).contains("ran v1"));
        Thread.sleep(1100); // a newer source, by the file system's clock
        Files.writeString(root.resolve("decoder/src/main/Source.java"), "v2\n");
        Process rebuilding = launch();
        Thread.sleep(500); // the stand-in mvn is half-way through writing the jar
        Process during = launch();
        String d = finish(during);
        String r = finish(rebuilding);
        assertTrue(r.contains("ran v2"), r);
        assertTrue(d.contains("ran v2") || d.contains("ran v1"), "a complete jar, old or new: " + d);
        assertEquals(2, Files.readAllLines(tmp.resolve("mvn-runs")).size(), "one more build, not two");
        // afterwards, no rebuild and the new jar
        assertTrue(finish(launch()).contains("ran v2"));
        assertEquals(2, Files.readAllLines(tmp.resolve("mvn-runs")).size());
    }
}
