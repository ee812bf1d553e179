package dev.softmax.bench;

import dev.softmax.SamplingParameters;
import java.util.SplittableRandom;

/**
 * The decode-step workload shared by {@link SamplingBenchmark} and {@link NaiveSamplerBenchmark} (and described,
 * with the same formulas, by {@code bench/torch_sampling.py}): LLM-like logits, the four scenarios of issue 12,
 * per-row seeds, token histories and allowed-token bitmasks, and the self-check of a batch of drawn tokens.
 *
 * <p>Logits: per element {@code 2 * N(0, 1)}, plus a head of {@value #HEAD} tokens per row raised by
 * {@code 8 + 6 * U(0, 1)} (a few likely tokens over a long flat tail, as language models produce); seeded by the
 * shape. Per row r: seed {@code 1000 + r}, step 7. Scenario (d): a history of {@value #HISTORY} ids uniform in
 * the vocabulary (repetition 1.1, presence 0.2, frequency 0.1) and a bitmask allowing each token with probability
 * 3/4 (the head tokens always allowed).
 */
public final class SamplingWorkload {

    /** Tokens per row raised above the tail. */
    public static final int HEAD = 8;
    /** History length of scenario (d). */
    public static final int HISTORY = 1024;
    /** Top-N of scenario (c). */
    public static final int TOP = 20;

    /** The four scenarios of issue 12's benchmark. */
    public enum Scenario {
        /** (a) temperature 0. */
        GREEDY("(a) greedy"),
        /** (b) T 0.8, top-k 50, top-p 0.9. */
        TOPK_TOPP("(b) T 0.8 + top-k 50 + top-p 0.9"),
        /** (c) T 1, top-p 0.95, chosen and top-20 log-probabilities (processed). */
        TOPP_LOGPROBS("(c) T 1 + top-p 0.95 + top-20 logprobs"),
        /** (d) penalties over a 1024-token history, bitmask, T 1, top-p 0.9. */
        PENALTIES_MASK_TOPP("(d) penalties (1024-token history) + bitmask + top-p 0.9");

        private final String description;

        Scenario(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }

        public float temperature() {
            return switch (this) {
                case GREEDY -> 0f;
                case TOPK_TOPP -> 0.8f;
                default -> 1f;
            };
        }

        public int topK() {
            return this == TOPK_TOPP ? 50 : 0;
        }

        public float topP() {
            return switch (this) {
                case GREEDY -> 1f;
                case TOPP_LOGPROBS -> 0.95f;
                default -> 0.9f;
            };
        }

        public boolean penalties() {
            return this == PENALTIES_MASK_TOPP;
        }

        public boolean logprobs() {
            return this == TOPP_LOGPROBS;
        }
    }

    public static final float REPETITION = 1.1f;
    public static final float PRESENCE = 0.2f;
    public static final float FREQUENCY = 0.1f;

    public final Shape shape;
    public final Scenario scenario;
    public final float[] logits;
    /** [rows, HISTORY] ids (scenario d), else null. */
    public final int[] history;
    /** [rows, words] allowed-token bits (scenario d), else null. */
    public final int[] bitmask;

    public final int words;

    public SamplingWorkload(Shape shape, Scenario scenario) {
        this.shape = shape;
        this.scenario = scenario;
        this.logits = logits(shape);
        int rows = shape.rows();
        int vocab = shape.columns();
        this.words = (vocab + 31) / 32;
        if (scenario.penalties()) {
            SplittableRandom random = new SplittableRandom(77 + shape.rows() * 31L + vocab);
            history = new int[rows * HISTORY];
            for (int i = 0; i < history.length; i++) {
                history[i] = random.nextInt(vocab);
            }
            bitmask = new int[rows * words];
            for (int i = 0; i < bitmask.length; i++) {
                bitmask[i] = random.nextInt() | random.nextInt(); // each bit set with probability 3/4
            }
            for (int r = 0; r < rows; r++) {
                for (int t : headOf(shape, r)) {
                    bitmask[r * words + t / 32] |= 1 << (t % 32);
                }
            }
        } else {
            history = null;
            bitmask = null;
        }
    }

    /** The logits of a shape (the same for every scenario and both benchmarks). */
    public static float[] logits(Shape shape) {
        SplittableRandom random = new SplittableRandom(4242 + shape.rows() * 31L + shape.columns());
        float[] x = new float[shape.elements()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * gaussian(random));
        }
        for (int r = 0; r < shape.rows(); r++) {
            for (int t : headOf(shape, r)) {
                x[r * shape.columns() + t] += (float) (8 + 6 * random.nextDouble());
            }
        }
        return x;
    }

    private static int[] headOf(Shape shape, int row) {
        SplittableRandom random = new SplittableRandom(99 + row * 1_000_003L + shape.columns());
        int[] head = new int[Math.min(HEAD, shape.columns())];
        for (int i = 0; i < head.length; i++) {
            head[i] = random.nextInt(shape.columns());
        }
        return head;
    }

    public static long seed(int row) {
        return 1000 + row;
    }

    public static final long STEP = 7;

    /** Sets the engine's per-row parameters for this scenario (penalty rows use all {@value #HISTORY} ids). */
    public void configure(SamplingParameters parameters) {
        for (int r = 0; r < shape.rows(); r++) {
            SamplingParameters.Row row = parameters
                    .row(r)
                    .temperature(scenario.temperature())
                    .topK(scenario.topK())
                    .topP(scenario.topP())
                    .seed(seed(r))
                    .step(STEP);
            if (scenario.penalties()) {
                row.repetitionPenalty(REPETITION)
                        .presencePenalty(PRESENCE)
                        .frequencyPenalty(FREQUENCY)
                        .historyLength(HISTORY);
            }
        }
    }

    public boolean allowed(int row, int token) {
        return bitmask == null || (bitmask[row * words + token / 32] >>> (token % 32) & 1) != 0;
    }

    /**
     * Checks a batch of drawn tokens: each in the vocabulary and allowed; greedy rows hold the argmax of the
     * processed logits (lowest id on ties); top-k rows a token among the 50 largest. Throws on a failure.
     *
     * @return the number of rows checked
     */
    public int check(long[] tokens, String what) {
        int vocab = shape.columns();
        for (int r = 0; r < shape.rows(); r++) {
            long token = tokens[r];
            if (token < 0 || token >= vocab || !allowed(r, (int) token)) {
                throw new IllegalStateException(
                        what + ": row " + r + " drew token " + token + ", outside the vocabulary or not allowed");
            }
            int t = (int) token;
            float value = logits[r * vocab + t];
            if (scenario == Scenario.GREEDY) {
                int best = 0;
                for (int i = 1; i < vocab; i++) {
                    if (logits[r * vocab + i] > logits[r * vocab + best]) {
                        best = i;
                    }
                }
                if (best != t) {
                    throw new IllegalStateException(
                            what + ": greedy row " + r + " drew " + t + ", the argmax is " + best);
                }
            } else if (scenario == Scenario.TOPK_TOPP) {
                int larger = 0;
                for (int i = 0; i < vocab; i++) {
                    float v = logits[r * vocab + i];
                    larger += v > value || (v == value && i < t) ? 1 : 0;
                }
                if (larger >= 50) {
                    throw new IllegalStateException(what + ": top-k 50 row " + r + " drew " + t + ", rank " + larger);
                }
            }
        }
        return shape.rows();
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
