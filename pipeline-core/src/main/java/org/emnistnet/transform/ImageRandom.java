package org.emnistnet.transform;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The random stream of one augmentation of one image, a pure function of (seed, epoch, stage, image id): the
 * same seed gives bit-identical augmentations whatever the partitioning or the number of executors, and every
 * epoch draws new ones.
 */
public final class ImageRandom {
    private ImageRandom() {
    }

    public static SplittableRandom of(long seed, int epoch, String stage, String imageId) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        h = mix(h ^ epoch);
        h = mix(h ^ fnv1a(stage));
        h = mix(h ^ fnv1a(imageId));
        return new SplittableRandom(h);
    }

    /** 64-bit FNV-1a over UTF-8 bytes: stable across JVMs, unlike String.hashCode's 32 bits. */
    static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** SplitMix64's finaliser: spreads every input bit over the output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
