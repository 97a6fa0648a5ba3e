package dev.textpoke.perf.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link IdIndex} answers as a map does: first claim kept, absent ids -1, through growth and collisions. */
class IdIndexTest {
    @Test
    void answersAsAMapDoes() {
        SplittableRandom r = new SplittableRandom(12);
        IdIndex index = new IdIndex();
        Map<Long, Integer> map = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            // perf's ids are small consecutive numbers; mix in ones that collide in the low bits and 0, -1
            long id = switch (i % 4) {
                case 0 -> i;
                case 1 -> (long) r.nextInt(64) << 32;
                case 2 -> r.nextLong();
                default -> i % 3 == 0 ? 0 : -1;
            };
            index.putIfAbsent(id, i);
            map.putIfAbsent(id, i);
        }
        for (Map.Entry<Long, Integer> e : map.entrySet()) {
            assertEquals(e.getValue(), index.get(e.getKey()), "id " + e.getKey());
        }
        for (int i = 0; i < 5000; i++) {
            long id = r.nextLong();
            assertEquals(map.getOrDefault(id, -1), index.get(id), "id " + id);
        }
    }
}
