package org.emnistnet.score;

/** One engine's forward pass over a batch: {@code (n, 1, 28, 28)} floats in [0, 1] to {@code n} probability rows. */
interface ForwardPass {
    float[][] probabilities(float[] features, int n);
}
