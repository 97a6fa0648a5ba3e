package dev.textpoke.code;

/** A stable merge sort of an index array under a comparator of indices (no boxing). */
final class IndexSort {
    interface IndexOrder {
        int compare(int a, int b);
    }

    private IndexSort() {}

    static void sort(int[] idx, IndexOrder order) {
        if (isSorted(idx, order)) {
            return;
        }
        int[] tmp = new int[idx.length];
        int[] src = idx;
        int[] dst = tmp;
        for (int width = 1; width < idx.length; width *= 2) {
            for (int lo = 0; lo < idx.length; lo += 2 * width) {
                int mid = Math.min(lo + width, idx.length);
                int hi = Math.min(lo + 2 * width, idx.length);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    dst[k++] = order.compare(src[j], src[i]) < 0 ? src[j++] : src[i++];
                }
                while (i < mid) {
                    dst[k++] = src[i++];
                }
                while (j < hi) {
                    dst[k++] = src[j++];
                }
            }
            int[] t = src;
            src = dst;
            dst = t;
        }
        if (src != idx) {
            System.arraycopy(src, 0, idx, 0, idx.length);
        }
    }

    private static boolean isSorted(int[] idx, IndexOrder order) {
        for (int i = 1; i < idx.length; i++) {
            if (order.compare(idx[i - 1], idx[i]) > 0) {
                return false;
            }
        }
        return true;
    }
}
