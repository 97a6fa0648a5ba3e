package dev.textpoke.sim.perf;

import dev.textpoke.code.image.KcoreDir;
import dev.textpoke.pt.perf.PtConfig;
import dev.textpoke.pt.perf.SidebandEvent;
import dev.textpoke.pt.perf.TscConversion;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a perf.data of an Intel PT recording holds, as values: what {@link PtPerfDataWriter}
 * writes. The machine: its kernel code and symbols ({@code kernel}), its TSC ({@code tsc}, with the
 * CPUID.15H ratio and the max non-turbo ratio perf records beside it), the intel_pt PMU's type and
 * its CPU's identity; the recording: the PT configuration and whether kernel and user code were
 * traced ({@code -e intel_pt/.../k}, {@code /u} or both); the trace, one {@link AuxStream} per CPU
 * (or thread); and the sideband, with perf times.
 *
 * <p>The sideband is given as the reading side's values ({@link SidebandEvent}: their {@code
 * recordOffset} is ignored). The writer emits what perf record would around them (the kernel
 * MMAP, AUX and AUXTRACE records from the streams); it does not invent threads or ITRACE_STARTs.
 *
 * @param pmuType          the intel_pt PMU's {@code type} (8 on most machines; 6 on quipper's)
 * @param cpuid            the CPUID feature, {@code vendor,family,model,stepping} (perf keys its
 *                         Intel PT errata on it: {@code GenuineIntel,6,92,} is Goldmont's
 *                         FUP-with-NLIP erratum)
 * @param maxNonTurboRatio TSC frequency / 100 MHz, as sysfs {@code caps/max_nonturbo_ratio} gives it
 */
public record PtRecording(
        KcoreDir kernel,
        PtConfig config,
        boolean traceKernel,
        boolean traceUser,
        TscConversion tsc,
        long pmuType,
        long tscCtcRatioN,
        long tscCtcRatioD,
        long maxNonTurboRatio,
        String cpuid,
        int nrCpus,
        String hostname,
        String osRelease,
        List<AuxStream> streams,
        List<SidebandEvent> sideband) {

    public PtRecording {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(tsc, "tsc");
        streams = List.copyOf(streams);
        sideband = List.copyOf(sideband);
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("a recording has at least one stream");
        }
        boolean perCpu = streams.get(0).perCpu();
        if (streams.stream().anyMatch(s -> s.perCpu() != perCpu)) {
            throw new IllegalArgumentException("streams are all CPUs' or all threads'");
        }
        if (!traceKernel && !traceUser) {
            throw new IllegalArgumentException("a recording traces kernel code, user code or both");
        }
        for (AuxStream s : streams) {
            if (s.cpu() >= nrCpus) {
                throw new IllegalArgumentException("CPU " + s.cpu() + " of " + nrCpus);
            }
        }
    }

    /** Whether the streams are CPUs' ({@code perf record -a}) rather than threads'. */
    public boolean perCpu() {
        return streams.get(0).perCpu();
    }

    /** A builder with the values of a 2.4 GHz Skylake desktop and perf's default configuration. */
    public static Builder builder(KcoreDir kernel) {
        return new Builder(kernel);
    }

    public static final class Builder {
        private final KcoreDir kernel;
        private PtConfig config = PtConfig.PERF_DEFAULT;
        private boolean traceKernel = true;
        private boolean traceUser;
        private TscConversion tsc = TscConversion.forFrequency(2_400_000_000L, 0);
        private long pmuType = 8;
        // CPUID.15H on Skylake: a 24 MHz crystal; TSC = crystal * EBX / EAX = 24 MHz * 200 / 2.
        private long tscCtcRatioN = 200;
        private long tscCtcRatioD = 2;
        private long maxNonTurboRatio = 24;
        private String cpuid = "GenuineIntel,6,94,3";
        private int nrCpus = 2;
        private String hostname = "textpoke-sim";
        private String osRelease = "6.1.0-textpoke";
        private final List<AuxStream> streams = new ArrayList<>();
        private final List<SidebandEvent> sideband = new ArrayList<>();

        private Builder(KcoreDir kernel) {
            this.kernel = kernel;
        }

        public Builder config(PtConfig c) {
            config = c;
            return this;
        }

        /** {@code intel_pt//k} (kernel only, the default), {@code //u} or {@code //}. */
        public Builder traced(boolean kernelCode, boolean userCode) {
            traceKernel = kernelCode;
            traceUser = userCode;
            return this;
        }

        /**
         * The TSC: conversion to perf time, CPUID.15H's TSC:crystal ratio ({@code n/d}) and the max
         * non-turbo ratio (TSC / 100 MHz).
         */
        public Builder tsc(TscConversion c, long ratioN, long ratioD, long maxNonTurbo) {
            tsc = c;
            tscCtcRatioN = ratioN;
            tscCtcRatioD = ratioD;
            maxNonTurboRatio = maxNonTurbo;
            return this;
        }

        public Builder pmuType(long type) {
            pmuType = type;
            return this;
        }

        public Builder cpuid(String id) {
            cpuid = id;
            return this;
        }

        public Builder cpus(int n) {
            nrCpus = n;
            return this;
        }

        public Builder host(String name, String release) {
            hostname = name;
            osRelease = release;
            return this;
        }

        public Builder stream(AuxStream s) {
            streams.add(s);
            return this;
        }

        public Builder sideband(SidebandEvent e) {
            sideband.add(e);
            return this;
        }

        public Builder sideband(List<? extends SidebandEvent> es) {
            sideband.addAll(es);
            return this;
        }

        public PtRecording build() {
            return new PtRecording(kernel, config, traceKernel, traceUser, tsc, pmuType, tscCtcRatioN, tscCtcRatioD,
                    maxNonTurboRatio, cpuid, nrCpus, hostname, osRelease, streams, sideband);
        }
    }
}
