package dev.textpoke.perf.write;

import dev.textpoke.perf.attr.BitFields;
import dev.textpoke.perf.attr.EventAttr;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct perf_event_attr} as bytes: the inverse of {@link EventAttr#read}, at the attr's own
 * size (a declared size of 0 is the 64-byte ABI0), fields past the size left out, the tail
 * appended. A big-endian writer's bit-field layout is restored with {@link BitFields}.
 */
public final class AttrEncoder {
    private AttrEncoder() {}

    public static int size(EventAttr a) {
        return (int) (a.declaredSize() == 0 ? EventAttr.SIZE_VER0 : a.declaredSize());
    }

    public static byte[] encode(EventAttr a, ByteOrder order) {
        int size = size(a);
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, EventAttr.SIZE_KNOWN)).order(order);
        long flags = order == ByteOrder.BIG_ENDIAN ? BitFields.toBigEndian(a.flags(), EventAttr.FLAG_FIELDS)
                : a.flags();
        b.putInt(0, (int) a.type()).putInt(4, (int) a.declaredSize()).putLong(8, a.config())
                .putLong(16, a.samplePeriod()).putLong(24, a.sampleType()).putLong(32, a.readFormat())
                .putLong(40, flags).putInt(48, (int) a.wakeupEvents()).putInt(52, (int) a.bpType())
                .putLong(56, a.config1()).putLong(64, a.config2()).putLong(72, a.branchSampleType())
                .putLong(80, a.sampleRegsUser()).putInt(88, (int) a.sampleStackUser())
                .putInt(92, a.clockid()).putLong(96, a.sampleRegsIntr()).putInt(104, (int) a.auxWatermark())
                .putShort(108, (short) a.sampleMaxStack()).putShort(110, (short) a.reserved2())
                .putInt(112, (int) a.auxSampleSize()).putInt(116, (int) a.auxAction())
                .putLong(120, a.sigData()).putLong(128, a.config3());
        byte[] out = new byte[size];
        System.arraycopy(b.array(), 0, out, 0, Math.min(size, EventAttr.SIZE_KNOWN));
        if (size > EventAttr.SIZE_KNOWN) {
            a.tail().copyTo(out, EventAttr.SIZE_KNOWN);
        }
        return out;
    }
}
