package dev.textpoke.sim.perf;

import dev.textpoke.io.Bytes;
import java.io.ByteArrayOutputStream;

/**
 * The few Intel PT packets these tests need, encoded from the SDM's packet table (Vol. 3C,
 * "Packet Definitions"), by hand: PSB, PSBEND, TSC, MODE.Exec, TIP.PGE and TIP.PGD, short TNT.
 */
final class HandPackets {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** PSB: 02 82 repeated 8 times. */
    HandPackets psb() {
        for (int i = 0; i < 8; i++) {
            out.write(0x02);
            out.write(0x82);
        }
        return this;
    }

    /** PSBEND: 02 23. */
    HandPackets psbend() {
        out.write(0x02);
        out.write(0x23);
        return this;
    }

    /** TSC: 19, then the low 7 bytes of the TSC, least significant first. */
    HandPackets tsc(long tsc) {
        out.write(0x19);
        for (int i = 0; i < 7; i++) {
            out.write((int) (tsc >>> (8 * i)));
        }
        return this;
    }

    /** MODE.Exec for 64-bit code: 99, then leaf 000 with CS.L = 1. */
    HandPackets mode64() {
        out.write(0x99);
        out.write(0x01);
        return this;
    }

    /** TIP.PGE with the full 8-byte IP (IPBytes 110): d1, the IP least significant byte first. */
    HandPackets tipPge(long ip) {
        out.write(0xd1);
        for (int i = 0; i < 8; i++) {
            out.write((int) (ip >>> (8 * i)));
        }
        return this;
    }

    /** TIP.PGD with the IP suppressed (IPBytes 000): 01. */
    HandPackets tipPgd() {
        out.write(0x01);
        return this;
    }

    /** Short TNT: bits 1..n, oldest highest, under a stop bit (n of 1 to 6). */
    HandPackets tnt(boolean... taken) {
        int b = 1 << (taken.length + 1);
        for (int i = 0; i < taken.length; i++) {
            if (taken[i]) {
                b |= 1 << (taken.length - i);
            }
        }
        out.write(b);
        return this;
    }

    int size() {
        return out.size();
    }

    Bytes bytes() {
        return Bytes.wrapOwned(out.toByteArray());
    }
}
