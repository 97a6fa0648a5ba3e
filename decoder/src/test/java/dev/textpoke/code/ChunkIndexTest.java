package dev.textpoke.code;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chunk hash table against {@link HashMap}, through many resizes and clustered keys. */
class ChunkIndexTest {
    @Test
    void agreesWithHashMap() {
        Random rnd = new Random(7);
        ChunkIndex index = new ChunkIndex();
        Map<Long, Integer> oracle = new HashMap<>();
        for (int i = 0; i < 200_000; i++) {
            // Kernel text keys are dense and share their top bits; mix in sparse ones.
            long key = i % 3 == 0 ? (0xffffffff81000000L >>> 4) + rnd.nextInt(1 << 16)
                    : rnd.nextLong() >>> 4;
            if (!oracle.containsKey(key)) {
                oracle.put(key, i);
                index.put(key, i);
            }
        }
        assertEquals(oracle.size(), index.size());
        oracle.forEach((k, v) -> assertEquals(v, index.get(k)));
        for (int i = 0; i < 100_000; i++) {
            long key = rnd.nextLong() >>> 4;
            assertEquals(oracle.getOrDefault(key, -1), index.get(key));
        }
        Map<Long, Integer> visited = new HashMap<>();
        index.forEach(visited::put);
        assertEquals(oracle, visited);
    }
}
