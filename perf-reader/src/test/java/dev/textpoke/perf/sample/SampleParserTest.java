package dev.textpoke.perf.sample;

import static dev.textpoke.perf.attr.SampleFormat.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.textpoke.io.ByteCursor;
import dev.textpoke.io.InputFormatException;
import dev.textpoke.perf.attr.BranchSampleType;
import dev.textpoke.perf.attr.ReadFormat;
import dev.textpoke.perf.record.PerfRecord.Sample;
import dev.textpoke.perf.record.RecordHeader;
import dev.textpoke.perf.testing.Enc;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleParserTest {
    private static final long EVERY = IDENTIFIER | IP | TID | TIME | ADDR | ID | STREAM_ID | CPU | PERIOD | READ
            | CALLCHAIN | RAW | BRANCH_STACK | REGS_USER | STACK_USER | WEIGHT_STRUCT | DATA_SRC | TRANSACTION
            | REGS_INTR | PHYS_ADDR | CGROUP | DATA_PAGE_SIZE | CODE_PAGE_SIZE | AUX;

    private static Sample parse(byte[] body, ByteOrder o, SampleLayout l) throws InputFormatException {
        byte[] rec = Enc.record(o, 9, 0, body);
        ByteCursor c = ByteCursor.of(rec, o, "t", 0).skip(8, "header");
        return SampleParser.parse(c, new RecordHeader(9, 0, rec.length), l, 4000);
    }

    /** A body with every field, written in the order the UAPI comment at PERF_RECORD_SAMPLE lists them. */
    private static byte[] everyField(ByteOrder o, long branchFlagsWord) {
        return new Enc(o)
                .u64(77) // identifier
                .u64(0xffffffff81001234L) // ip
                .u32(100).u32(101) // pid, tid
                .u64(123456789L) // time
                .u64(0xdead0000L) // addr
                .u64(77) // id
                .u64(78) // stream_id
                .u32(3).u32(0) // cpu, res
                .u64(10007) // period
                // read, group with time_enabled and LOST: nr, ena, {value, id, lost} x2
                .u64(2).u64(500).u64(11).u64(77).u64(1).u64(22).u64(79).u64(0)
                .u64(3).u64(-128L).u64(0xffffffff81001234L).u64(0xffffffff81002000L) // callchain
                .u32(12).bytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}) // raw, 4 + 12 = 16
                .u64(2).u64(5) // branch nr, hw_idx
                .u64(0x401000).u64(0x402000).u64(branchFlagsWord)
                .u64(0x403000).u64(0x404000).u64(0)
                .u64(0xa).u64(0xb) // branch counters
                .u64(2).u64(0x1111).u64(0x2222) // user regs: abi 64, mask 0b101 -> 2 regs
                .u64(16).bytes(new byte[16]).u64(8) // user stack size, data, dyn_size
                .u64(0x0003000200000001L) // weight struct: var1 1, var2 2, var3 3
                .u64(0x42) // data_src
                .u64(0x5) // transaction
                .u64(2).u64(0x3333) // intr regs: abi 64, mask 0b1000 -> 1 reg
                .u64(0x1234000) // phys_addr
                .u64(9) // cgroup
                .u64(4096) // data page size
                .u64(2 << 20) // code page size
                .u64(8).bytes(new byte[] {9, 9, 9, 9, 9, 9, 9, 9}) // aux
                .toArray();
    }

    private static SampleLayout everyLayout() {
        return new SampleLayout(EVERY, ReadFormat.GROUP | ReadFormat.ID | ReadFormat.LOST | ReadFormat.TOTAL_TIME_ENABLED,
                BranchSampleType.HW_INDEX, 0b101, 0b1000, true, true);
    }

    @Test
    void decodesEveryFieldInKernelOrderInBothByteOrders() throws Exception {
        // mispredicted, cycles 7, type 4 (call): bits 0, 4-19, 20-23 in little-endian numbering.
        long flags = 1L | (7L << 4) | (4L << 20);
        // A big-endian compiler allocates the same fields from the top: mispred at bit 63, cycles at
        // bits 44-59 (value kept), type at bits 40-43.
        long flagsBe = (1L << 63) | (7L << 44) | (4L << 40);
        for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            Sample s = parse(everyField(o, o == ByteOrder.BIG_ENDIAN ? flagsBe : flags), o, everyLayout());
            assertEquals(77, s.identifier());
            assertEquals(0xffffffff81001234L, s.ip());
            assertEquals(100, s.pid());
            assertEquals(101, s.tid());
            assertEquals(123456789L, s.time());
            assertEquals(0xdead0000L, s.addr());
            assertEquals(77, s.id());
            assertEquals(78, s.streamId());
            assertEquals(3, s.cpu());
            assertEquals(10007, s.period());
            assertEquals(2, s.read().values().size());
            assertEquals(500, s.read().timeEnabled());
            assertEquals(22, s.read().values().get(1).value());
            assertEquals(79, s.read().values().get(1).id());
            assertEquals(1, s.read().values().get(0).lost());
            assertEquals(3, s.callchain().size());
            assertEquals(-128L, s.callchain().get(0));
            assertEquals("0102030405060708090a0b0c", s.raw().hex());
            assertEquals(5, s.branchStack().hwIdx());
            assertEquals(2, s.branchStack().entries().size());
            assertEquals(0x402000, s.branchStack().entries().get(0).to());
            assertEquals(flags, s.branchStack().entries().get(0).flags());
            assertEquals(7, s.branchStack().entries().get(0).cycles());
            assertEquals(4, s.branchStack().entries().get(0).branchType());
            assertEquals(List.of(0xaL, 0xbL), Arrays.stream(s.branchStack().counters().toArray()).boxed().toList());
            assertEquals(0x2222, s.userRegs().get(2));
            assertEquals(-1, s.userRegs().get(1));
            assertEquals(8, s.userStack().dynSize());
            assertEquals(0x0003000200000001L, s.weight());
            assertEquals(0x42, s.dataSrc());
            assertEquals(5, s.transaction());
            assertEquals(0x3333, s.intrRegs().get(3));
            assertEquals(0x1234000, s.physAddr());
            assertEquals(9, s.cgroup());
            assertEquals(4096, s.dataPageSize());
            assertEquals(2 << 20, s.codePageSize());
            assertEquals("0909090909090909", s.aux().hex());
            assertEquals(0, s.tail().length());
        }
    }

    @Test
    void absentFieldsReadAsPerfDoesAndPeriodFallsBackToTheAttr() throws Exception {
        Sample s = parse(new Enc(ByteOrder.LITTLE_ENDIAN).u64(0x400000).toArray(), ByteOrder.LITTLE_ENDIAN,
                new SampleLayout(IP, 0, 0, 0, 0, false, false));
        assertEquals(0x400000, s.ip());
        assertEquals(-1, s.pid());
        assertEquals(-1, s.time());
        assertEquals(-1, s.cpu());
        assertEquals(4000, s.period());
        assertNull(s.callchain());
    }

    @Test
    void nonGroupReadWithLostAndRegsAbiNoneAndEmptyStack() throws Exception {
        long t = READ | REGS_USER | STACK_USER;
        byte[] body = Enc.le().u64(42).u64(7).u64(3).u64(0).u64(0).toArray();
        Sample s = parse(body, ByteOrder.LITTLE_ENDIAN,
                new SampleLayout(t, ReadFormat.ID | ReadFormat.LOST, 0, 0xff, 0, false, false));
        assertEquals(42, s.read().values().get(0).value());
        assertEquals(7, s.read().values().get(0).id());
        assertEquals(3, s.read().values().get(0).lost());
        assertEquals(0, s.userRegs().abi());
        assertEquals(0, s.userRegs().values().size());
        assertEquals(0, s.userStack().size());
    }

    @Test
    void branchStackWithoutHwIdxStartsEntriesRightAfterNr() throws Exception {
        byte[] body = Enc.le().u64(1).u64(0x10).u64(0x20).u64(2).toArray();
        Sample s = parse(body, ByteOrder.LITTLE_ENDIAN, new SampleLayout(BRANCH_STACK, 0, 0, 0, 0, false, false));
        assertEquals(1, s.branchStack().entries().size());
        assertEquals(0x10, s.branchStack().entries().get(0).from());
        assertEquals(-1, s.branchStack().hwIdx());
    }

    /** Every cut of a full sample fails as a format error at an offset inside the record, never otherwise. */
    @Test
    void everyTruncationIsAFormatErrorInsideTheRecord() {
        byte[] full = everyField(ByteOrder.LITTLE_ENDIAN, 0);
        for (int n = 0; n < full.length; n++) {
            byte[] cut = Arrays.copyOf(full, n);
            InputFormatException e = assertThrows(InputFormatException.class,
                    () -> parse(cut, ByteOrder.LITTLE_ENDIAN, everyLayout()), "cut at " + n);
            assertEquals(true, e.offset() >= 8 && e.offset() <= 8 + n, "offset " + e.offset() + " for cut " + n);
        }
    }

    @Test
    void hugeCountsAreRefusedBeforeAllocating() {
        byte[] body = Enc.le().u64(Long.MAX_VALUE).toArray();
        assertThrows(InputFormatException.class, () -> parse(body, ByteOrder.LITTLE_ENDIAN,
                new SampleLayout(CALLCHAIN, 0, 0, 0, 0, false, false)));
        assertThrows(InputFormatException.class, () -> parse(body, ByteOrder.LITTLE_ENDIAN,
                new SampleLayout(BRANCH_STACK, 0, 0, 0, 0, false, false)));
        assertThrows(InputFormatException.class, () -> parse(body, ByteOrder.LITTLE_ENDIAN,
                new SampleLayout(READ, ReadFormat.GROUP, 0, 0, 0, false, false)));
    }

    @Test
    void layoutOffsetsFollowTheFixedFieldOrder() {
        SampleLayout l = new SampleLayout(IP | TID | TIME | STREAM_ID | CPU | PERIOD | IDENTIFIER, 0, 0, 0, 0, true, false);
        assertEquals(8, l.sampleOffset(IDENTIFIER));
        assertEquals(16, l.sampleOffset(IP));
        assertEquals(32, l.sampleOffset(TIME));
        // STREAM_ID (bit 9) is written before CPU (bit 7) and PERIOD (bit 8).
        assertEquals(40, l.sampleOffset(STREAM_ID));
        assertEquals(48, l.sampleOffset(CPU));
        assertEquals(56, l.sampleOffset(PERIOD));
        assertEquals(0, l.idPos());
        assertEquals(1, l.isPos());
        // Trailer TID, TIME, STREAM_ID, CPU, IDENTIFIER: time is 4 u64s from the end.
        assertEquals(32, l.trailerOffsetFromEnd(TIME));
        assertEquals(40, l.trailerSize());
    }

    @Test
    void idPositionsWithoutIdentifierCountTheFieldsBefore() {
        SampleLayout l = new SampleLayout(IP | TID | TIME | ID | CPU | STREAM_ID, 0, 0, 0, 0, true, false);
        assertEquals(3, l.idPos());
        assertEquals(3, l.isPos());
        assertEquals(-1, new SampleLayout(IP | TIME, 0, 0, 0, 0, true, false).idPos());
    }

    @Test
    void inPlaceAccessorsReadTheFixedFieldsWithoutParsing() {
        for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            byte[] rec = Enc.record(o, 9, 0, everyField(o, 0));
            var b = java.nio.ByteBuffer.wrap(rec).order(o);
            SampleLayout l = everyLayout();
            assertEquals(0xffffffff81001234L, l.sampleU64(b, 0, rec.length, IP, -1));
            assertEquals(123456789L, l.sampleU64(b, 0, rec.length, TIME, -1));
            assertEquals(10007, l.sampleU64(b, 0, rec.length, PERIOD, -1));
            assertEquals(100, l.pid(b, 0, rec.length));
            assertEquals(101, l.tid(b, 0, rec.length));
            assertEquals(3, l.cpu(b, 0, rec.length));
            assertEquals(-1, new SampleLayout(IP, 0, 0, 0, 0, false, false).cpu(b, 0, rec.length));
            assertEquals(-7, new SampleLayout(IP | TIME, 0, 0, 0, 0, false, false).sampleU64(b, 0, 16, TIME, -7));
        }
    }
}
