package dev.textpoke.pt.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.textpoke.pt.PtDecodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * 100,000 seeded inputs (random bytes, bytes drawn from the opcode alphabet, mutated valid streams
 * of every packet type) through the decoder as a dump drives it: only {@link PtDecodeException}
 * escapes, every call makes progress, the walk ends within a bound linear in the input; decoded
 * packets (every eighth, and all of every sixteenth input) re-encode to bytes that decode to the
 * same packet; bytes after {@code end} in the array are never read.
 */
class PacketDecoderFuzzTest {
    private static final int INPUTS = 100_000;
    /** Bytes that start or continue packets, so that fuzzed inputs reach deep into the decoder. */
    private static final byte[] ALPHABET = {
        0x00, 0x02, (byte) 0x82, (byte) 0x99, 0x19, 0x59, (byte) 0xd9, (byte) 0xc3, (byte) 0x88, 0x63, 0x33,
        (byte) 0xb3, 0x13, 0x53, 0x23, 0x43, (byte) 0xc8, (byte) 0xf3, 0x03, 0x73, (byte) 0x83, 0x62, (byte) 0xe2,
        (byte) 0xc2, 0x22, (byte) 0xa2, 0x12, (byte) 0x92, 0x32, (byte) 0xa3, 0x0d, 0x2d, 0x4d, 0x6d, (byte) 0x8d,
        (byte) 0xcd, (byte) 0xad, 0x11, 0x01, 0x1d, 0x07, (byte) 0xff, 0x04, 0x06, 0x2c, 0x20, (byte) 0x80,
    };

    /** What one walk saw. */
    private record Walk(List<String> items, int packets, int errors) {}

    @Test
    void oneHundredThousandInputsNeverEscapeNeverStall() {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            SplittableRandom rnd = new SplittableRandom(20_240_601);
            List<byte[]> valid = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                valid.add(new RandomPackets(i, RandomPackets.ALL).stream(40 + i % 200));
            }
            long packets = 0;
            long errors = 0;
            for (int i = 0; i < INPUTS; i++) {
                byte[] input = switch (i % 4) {
                    case 0 -> randomBytes(rnd);
                    case 1 -> alphabetBytes(rnd);
                    default -> mutate(valid.get(rnd.nextInt(valid.size())), rnd);
                };
                boolean deep = i % 16 == 0;
                Walk w = walk(input, 0, input.length, i, deep);
                packets += w.packets();
                errors += w.errors();
                if (deep) {
                    // the same bytes inside a larger array, with junk after `end`: the same walk
                    byte[] big = new byte[input.length + 40];
                    rnd.nextBytes(big);
                    System.arraycopy(input, 0, big, 20, input.length);
                    Walk inner = walk(big, 20, 20 + input.length, i, true);
                    assertEquals(w.items(), inner.items(), "input " + i + " inside a larger array");
                }
            }
            assertTrue(packets > 2_000_000, "packets decoded: " + packets);
            assertTrue(errors > 50_000, "errors met: " + errors);
        });
    }

    /** Decodes as dump --pt does: next until the end, and at each error a sync forward. */
    private static Walk walk(byte[] data, int begin, int end, int input, boolean deep) {
        PacketDecoder d = new PacketDecoder(data, begin, end);
        List<String> items = new ArrayList<>();
        int packets = 0;
        int errors = 0;
        long bound = 3L * (end - begin) + 10;
        long steps = 0;
        for (;;) {
            if (++steps > bound) {
                fail("input " + input + ": more than " + bound + " steps for " + (end - begin) + " bytes");
            }
            long before = d.nextOffset();
            try {
                PacketType t = d.next();
                if (t == null) {
                    if (d.nextOffset() != end - begin) {
                        fail("input " + input + ": ended at " + d.nextOffset() + " of " + (end - begin));
                    }
                    break;
                }
                if (d.size() < 1 || d.offset() != before || d.nextOffset() != before + d.size()
                        || d.nextOffset() > end - begin) {
                    fail("input " + input + " at " + before + ": no progress or beyond the end");
                }
                packets++;
                if ((packets & 7) == 0 || deep) {
                    Packet p = d.packet();
                    assertEquals(t, p.type());
                    reencodes(p, input, before);
                    if (deep) {
                        items.add(before + " " + p);
                    }
                }
            } catch (PtDecodeException e) {
                if (e.offset() != before) {
                    fail("input " + input + ": error at " + e.offset() + ", position " + before);
                }
                errors++;
                if (deep) {
                    items.add(e.offset() + " " + e.kind());
                }
                long sync = d.syncForward();
                if (sync < 0) {
                    break;
                }
                // a resync may go back into a packet read wrongly, but never before the PSB last left
                if (sync <= before - 16) {
                    fail("input " + input + ": resync to " + sync + " from " + before);
                }
                if (deep) {
                    items.add("sync " + sync);
                }
            } catch (RuntimeException e) {
                throw new AssertionError("input " + input + " at " + before + ": "
                        + Arrays.toString(Arrays.copyOfRange(data, begin, end)), e);
            }
        }
        return new Walk(items, packets, errors);
    }

    /** A decoded packet, encoded again, decodes to the same packet. */
    private static void reencodes(Packet p, int input, long at) {
        if (p.type() == PacketType.BIP) {
            return; // a BIP decodes only inside a block; Bip values are checked by the table test
        }
        byte[] again = new PacketEncoder().encode(p).toByteArray();
        PacketDecoder d = new PacketDecoder(again, 0, again.length);
        try {
            d.next();
        } catch (PtDecodeException e) {
            fail("input " + input + " at " + at + ": " + p + " re-encoded does not decode: " + e.getMessage());
        }
        if (!p.equals(d.packet())) {
            fail("input " + input + " at " + at + ": " + p + " re-encoded decodes as " + d.packet());
        }
    }

    private static byte[] randomBytes(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(512)];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] alphabetBytes(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(256)];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : ALPHABET[rnd.nextInt(ALPHABET.length)];
        }
        return b;
    }

    private static byte[] mutate(byte[] s, SplittableRandom rnd) {
        byte[] d = s.clone();
        for (int k = 1 + rnd.nextInt(8); k > 0 && d.length > 1; k--) {
            int at = rnd.nextInt(d.length);
            switch (rnd.nextInt(5)) {
                case 0 -> d[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> d[at] = ALPHABET[rnd.nextInt(ALPHABET.length)];
                case 2 -> d = Arrays.copyOf(d, Math.max(1, at));
                case 3 -> {
                    int len = Math.min(d.length - at, 1 + rnd.nextInt(20));
                    byte[] n = new byte[d.length - len];
                    System.arraycopy(d, 0, n, 0, at);
                    System.arraycopy(d, at + len, n, at, d.length - at - len);
                    d = n;
                }
                default -> d[at] = (byte) rnd.nextInt(256);
            }
        }
        return d;
    }
}
