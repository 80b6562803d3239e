package org.emnistnet.score;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bound on models an engine keeps per JVM (and per thread): a long-lived JVM (a notebook kernel, a training
 * driver that validates every epoch's weights) does not grow with every model it has seen.
 */
final class ModelCache {
    /** Models kept per JVM, and per task thread. */
    static final int CAPACITY = Integer.getInteger("emnistnet.inference.cachedModels", 3);

    private ModelCache() {
    }

    /** An access-ordered map that evicts the least recently used entry beyond {@link #CAPACITY}. */
    static <V> Map<String, V> leastRecentlyUsed() {
        return leastRecentlyUsed(CAPACITY, value -> { });
    }

    /** The same, handing each evicted value to {@code onEvict} (to free native memory). */
    static <V> Map<String, V> leastRecentlyUsed(int capacity, java.util.function.Consumer<V> onEvict) {
        return new LinkedHashMap<>(4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                if (size() > capacity) {
                    onEvict.accept(eldest.getValue());
                    return true;
                }
                return false;
            }
        };
    }
}
