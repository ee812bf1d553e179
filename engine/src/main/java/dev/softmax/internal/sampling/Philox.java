package dev.softmax.internal.sampling;

/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011; Random123), and the
 * stream of uniform numbers every sampling operation draws from. This class Javadoc is the specification: another
 * implementation that follows it reproduces the engine's tokens.
 *
 * <h2>The block function</h2>
 * {@link #block} maps a 128-bit counter {@code (c0, c1, c2, c3)} and a 64-bit key {@code (k0, k1)} to four
 * 32-bit words, with the published constants: multipliers {@code 0xD2511F53} and {@code 0xCD9E8D57}, Weyl
 * increments {@code 0x9E3779B9} and {@code 0xBB67AE85}, ten rounds, the key bumped between rounds. One round:
 * {@code (hi0, lo0) = 0xD2511F53 * c0}, {@code (hi1, lo1) = 0xCD9E8D57 * c2} (64-bit products), then
 * {@code c = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)}. It matches Random123's known-answer vectors.
 *
 * <h2>A row's stream</h2>
 * Every row of a call is its own request with its own {@code seed} and {@code step} (64-bit each, from
 * {@link dev.softmax.SamplingParameters}). Nothing else enters the stream: not the row's index, the batch, the
 * thread count or the backend. The row's uniform number {@code u_d} ({@code d = 0, 1, 2, ...}, in the order a
 * computation consumes them) is made as follows:
 * <ol>
 *   <li>key {@code k0 = (int) seed}, {@code k1 = (int) (seed >>> 32)};</li>
 *   <li>block {@code b = d / 2}; counter {@code c0 = (int) b}, {@code c1 = (int) (b >>> 32)},
 *       {@code c2 = (int) step}, {@code c3 = (int) (step >>> 32)};</li>
 *   <li>{@code (w0, w1, w2, w3) = philox4x32_10(counter, key)}; for even {@code d} use the words
 *       {@code (w0, w1)}, for odd {@code d} use {@code (w2, w3)}; call them {@code (hi, lo)};</li>
 *   <li>{@code u_d = ((hi >>> 5) * 2^26 + (lo >>> 6)) * 2^-53}, the unsigned shifts of 32-bit words: a double
 *       in {@code [0, 1)} with 53 random bits, exactly as {@code java.util.Random.nextDouble} combines two
 *       words.</li>
 * </ol>
 * How each operation consumes {@code u_0, u_1, ...} is specified in
 * {@link SamplingComputation}'s class documentation (the weighted draw, and speculative verification).
 *
 * <p>Thread safety: the static function is pure; a {@link Stream} is mutable and belongs to one thread.
 */
public final class Philox {

    static final int M0 = 0xD2511F53;
    static final int M1 = 0xCD9E8D57;
    static final int W0 = 0x9E3779B9;
    static final int W1 = 0xBB67AE85;
    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

    private Philox() {}

    /** Philox4x32-10 of {@code counter} (4 words) under {@code key} (2 words), written to {@code out} (4 words). */
    public static void block(int[] counter, int[] key, int[] out) {
        int c0 = counter[0];
        int c1 = counter[1];
        int c2 = counter[2];
        int c3 = counter[3];
        int k0 = key[0];
        int k1 = key[1];
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** The double in [0, 1) made from two words, as the class documentation specifies. */
    public static double toUniform(int hi, int lo) {
        long a = (hi >>> 5) & 0x7FFFFFFL;
        long b = (lo >>> 6) & 0x3FFFFFFL;
        return ((a << 26) + b) * TWO_POW_MINUS_53;
    }

    /** One row's uniforms {@code u_0, u_1, ...}; reused (reset per row), so drawing allocates nothing. */
    public static final class Stream {
        private final int[] counter = new int[4];
        private final int[] key = new int[2];
        private final int[] words = new int[4];
        private long next;
        private long cachedBlock = -1;

        /** Starts the stream of the request {@code (seed, step)} at {@code u_0}. */
        public Stream reset(long seed, long step) {
            key[0] = (int) seed;
            key[1] = (int) (seed >>> 32);
            counter[2] = (int) step;
            counter[3] = (int) (step >>> 32);
            next = 0;
            cachedBlock = -1;
            return this;
        }

        /** How many uniforms have been drawn since {@link #reset}. */
        public long drawn() {
            return next;
        }

        /** {@code u_d} for the next {@code d}. */
        public double nextUniform() {
            long d = next++;
            long b = d >>> 1;
            if (b != cachedBlock) {
                counter[0] = (int) b;
                counter[1] = (int) (b >>> 32);
                block(counter, key, words);
                cachedBlock = b;
            }
            return (d & 1) == 0 ? toUniform(words[0], words[1]) : toUniform(words[2], words[3]);
        }
    }
}
