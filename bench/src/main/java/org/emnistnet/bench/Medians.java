package org.emnistnet.bench;

import java.util.List;

/** Benchmarks report the median of their runs: the machines are noisy. */
final class Medians {
    private Medians() {
    }

    static double of(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
