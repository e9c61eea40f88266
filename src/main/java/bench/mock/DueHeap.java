package bench.mock;

import java.util.Arrays;

/**
 * A binary min-heap of items keyed by a long read from the item, for the mock's schedule:
 * comparisons are plain long compares, no comparator calls, no boxing. Single-threaded.
 */
final class DueHeap<T> {
    /** Reads the key of an item (its due time). */
    interface Key<T> {
        long of(T item);
    }

    private final Key<T> key;
    private Object[] items = new Object[256];
    private long[] keys = new long[256];
    private int size;

    DueHeap(Key<T> key) {
        this.key = key;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The smallest key, or Long.MAX_VALUE when empty. */
    long peekKey() {
        return size == 0 ? Long.MAX_VALUE : keys[0];
    }

    @SuppressWarnings("unchecked")
    T peek() {
        return size == 0 ? null : (T) items[0];
    }

    void add(T item) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
            keys = Arrays.copyOf(keys, size * 2);
        }
        long k = key.of(item);
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= k) {
                break;
            }
            items[i] = items[parent];
            keys[i] = keys[parent];
            i = parent;
        }
        items[i] = item;
        keys[i] = k;
    }

    @SuppressWarnings("unchecked")
    T poll() {
        if (size == 0) {
            return null;
        }
        T top = (T) items[0];
        int last = --size;
        Object item = items[last];
        long k = keys[last];
        items[last] = null;
        if (last > 0) {
            int i = 0;
            int half = last >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                int right = child + 1;
                if (right < last && keys[right] < keys[child]) {
                    child = right;
                }
                if (k <= keys[child]) {
                    break;
                }
                items[i] = items[child];
                keys[i] = keys[child];
                i = child;
            }
            items[i] = item;
            keys[i] = k;
        }
        return top;
    }
}
