package org.emnistnet.model.layers;

/**
 * Each thread's working arrays for the Java kernels, reused from call to call and grown to the largest size asked
 * for. New arrays per chunk cost the GELU kernels a third of their time (fresh, zeroed memory for every chunk: one
 * more write of the whole activation, and young collections).
 */
final class ScratchArrays {
    private static final ThreadLocal<ScratchArrays> OF_THREAD = ThreadLocal.withInitial(ScratchArrays::new);

    /** Four float arrays and an int array of at least the size asked for; their contents are whatever the last kernel left. */
    float[] a = new float[0];
    float[] b = new float[0];
    float[] c = new float[0];
    float[] d = new float[0];
    /** For bitwise work on floats' bits. */
    int[] bits = new int[0];

    private ScratchArrays() {
    }

    /** The current thread's arrays, each at least {@code size} floats long. */
    static ScratchArrays ofThread(int size) {
        ScratchArrays scratch = OF_THREAD.get();
        if (scratch.a.length < size) {
            scratch.a = new float[size];
            scratch.b = new float[size];
            scratch.c = new float[size];
            scratch.d = new float[size];
            scratch.bits = new int[size];
        }
        return scratch;
    }
}
