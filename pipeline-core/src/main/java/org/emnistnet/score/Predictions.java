package org.emnistnet.score;

import java.util.Arrays;

/**
 * The one prediction rule (Spark ML's {@code raw2prediction}): the predicted class is the most probable one, the
 * lowest index among equals. Scoring, the Spark ML model and evaluation all use it, so they never disagree.
 */
public final class Predictions {
    private Predictions() {
    }

    /** The index of the largest probability (the first of equals). */
    public static int best(float[] probabilities) {
        int best = 0;
        for (int c = 1; c < probabilities.length; c++) {
            best = probabilities[c] > probabilities[best] ? c : best;
        }
        return best;
    }

    /** Class indices from the most to the least probable (equals in index order); {@code ranked(p)[0] == best(p)}. */
    public static Integer[] ranked(float[] probabilities) {
        Integer[] order = new Integer[probabilities.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a])); // stable: equals keep index order
        return order;
    }
}
