package dev.textpoke.cli.patcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code textpoke patcher}: the native cross-modification patcher. Its subcommands race
 * executor threads against a patching thread in a child process and report what went wrong and
 * what it cost.
 */
@Command(name = "patcher", mixinStandardHelpOptions = true,
        description = {"Patches code in a live process while other threads execute it, under a chosen"
                + " protocol, and counts torn and stale executions (docs/native-patcher.md).",
            "Protocols: naive, atomic, int3, int3-sync, mprotect, batch (x86-64);"
                + " brk, brk-sync, naive, atomic (aarch64, run under qemu-aarch64 on x86-64: emulated)."},
        subcommands = {PatcherRaceCommand.class, PatcherCompareCommand.class, PatcherCostCommand.class})
public final class PatcherCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }
}
