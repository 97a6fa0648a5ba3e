package dev.textpoke.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version Maven wrote into the jar manifest. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"textpoke " + (v == null ? "(development build)" : v)};
    }
}
