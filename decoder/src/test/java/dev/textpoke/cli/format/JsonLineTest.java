package dev.textpoke.cli.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLineTest {
    @Test
    void writesOneObjectWithEscapesAndUnsignedValues() {
        String json = new JsonLine()
                .put("type", "PERF_RECORD_COMM")
                .put("comm", "a\"b\\c\n\u0001")
                .putUnsigned("addr", -1L)
                .putHex("ip", 0xffffffff81000000L)
                .put("old_matches", (Boolean) null)
                .put("ok", true)
                .put("ips", List.of(1, 2))
                .put("m", Map.of("k", "v"))
                .put("n", Arrays.asList((Object) null))
                .toString();
        assertEquals("{\"type\":\"PERF_RECORD_COMM\",\"comm\":\"a\\\"b\\\\c\\n\\u0001\","
                + "\"addr\":18446744073709551615,\"ip\":\"0xffffffff81000000\",\"old_matches\":null,"
                + "\"ok\":true,\"ips\":[1,2],\"m\":{\"k\":\"v\"},\"n\":[null]}", json);
    }
}
