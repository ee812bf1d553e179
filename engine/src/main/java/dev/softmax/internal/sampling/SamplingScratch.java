package dev.softmax.internal.sampling;

/**
 * One thread's buffers for the sampling computations: the candidate list (values, ids, weights), the radix
 * histograms, the penalty counts and the top-N list. Grown to the largest row seen on the thread and then reused,
 * so steady-state calls allocate nothing (the f32 working row itself is {@link dev.softmax.internal.rows.WorkingRow}).
 */
final class SamplingScratch {

    private static final ThreadLocal<SamplingScratch> LOCAL = ThreadLocal.withInitial(SamplingScratch::new);

    /** Radix digits: 11 + 11 + 10 bits of an order-preserving 32-bit key. */
    static final int BUCKETS = 1 << 11;

    float[] values = new float[0];
    int[] ids = new int[0];
    float[] weights = new float[0];
    /** The processed row on the heap: scalar loops over an array run without a segment's per-access checks. */
    float[] row = new float[0];

    int[] indices = new int[0];
    /** Token counts for the penalties, all zero between rows. */
    int[] counts = new int[0];

    /** {@link Selection}'s top-p histograms (amount and count per digit): all zero between calls. */
    final double[] thresholdAmount = new double[BUCKETS];

    final int[] thresholdCount = new int[BUCKETS];
    final int[] bucketCount = new int[BUCKETS];
    final int[] bucketCountOdd = new int[BUCKETS];

    final float[] topValues = new float[dev.softmax.DecodeOutputs.MAX_TOP];
    final int[] topIds = new int[dev.softmax.DecodeOutputs.MAX_TOP];
    /** Set by the selection: the amount strictly above the threshold key. */
    double above;
    /** Set by {@link TopKPrefilter#collect}: the threshold of its collection. */
    float prefilterThreshold;
    /** Set by the single-pass draw: the sum of the weights. */
    double total;

    final Philox.Stream stream = new Philox.Stream();

    static SamplingScratch get(int n) {
        SamplingScratch scratch = LOCAL.get();
        scratch.ensure(n);
        return scratch;
    }

    private void ensure(int n) {
        if (values.length < n) {
            int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(n, 2L * values.length));
            values = new float[capacity];
            ids = new int[capacity];
            weights = new float[capacity];
            row = new float[capacity];
            indices = new int[capacity];
            counts = new int[capacity];
        }
    }
}
