package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.internal.sampling.Philox;
import org.junit.jupiter.api.Test;

/** Philox4x32-10 against Random123's published known-answer vectors, and the uniform stream against its spec. */
class PhiloxKnownAnswerTest {

    private static int[] philox(int[] counter, int[] key) {
        int[] out = new int[4];
        Philox.block(counter, key, out);
        return out;
    }

    @Test
    void zeroCounterZeroKey() {
        assertThat(philox(new int[] {0, 0, 0, 0}, new int[] {0, 0}))
                .containsExactly(0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8);
    }

    @Test
    void allOnes() {
        assertThat(philox(new int[] {-1, -1, -1, -1}, new int[] {-1, -1}))
                .containsExactly(0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd);
    }

    @Test
    void digitsOfPi() {
        assertThat(philox(
                        new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, new int[] {0xa4093822, 0x299f31d0}))
                .containsExactly(0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1);
    }

    /** The stream follows the documented derivation: key from the seed, counter (block, step), two words a double. */
    @Test
    void streamFollowsTheDocumentedDerivation() {
        long seed = 0x0123456789abcdefL;
        long step = 0xfedcba9876543210L;
        Philox.Stream stream = new Philox.Stream().reset(seed, step);
        for (long d = 0; d < 10; d++) {
            long block = d / 2;
            int[] w = philox(
                    new int[] {(int) block, (int) (block >>> 32), (int) step, (int) (step >>> 32)},
                    new int[] {(int) seed, (int) (seed >>> 32)});
            long hi = (d % 2 == 0 ? w[0] : w[2]) & 0xFFFFFFFFL;
            long lo = (d % 2 == 0 ? w[1] : w[3]) & 0xFFFFFFFFL;
            double expected = ((hi >>> 5) * (double) (1L << 26) + (lo >>> 6)) / (double) (1L << 53);
            assertThat(stream.nextUniform()).as("u_%d", d).isEqualTo(expected);
        }
        assertThat(stream.drawn()).isEqualTo(10);
    }

    @Test
    void uniformsAreInTheUnitIntervalWithMeanOneHalf() {
        Philox.Stream stream = new Philox.Stream().reset(7, 0);
        double sum = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            double u = stream.nextUniform();
            assertThat(u).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
            sum += u;
        }
        // standard error of the mean: sqrt(1/12 / n) ~ 6.5e-4
        assertThat(sum / n).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.004));
    }

    @Test
    void differentStepsAndSeedsGiveDifferentStreams() {
        double a = new Philox.Stream().reset(1, 0).nextUniform();
        double b = new Philox.Stream().reset(1, 1).nextUniform();
        double c = new Philox.Stream().reset(2, 0).nextUniform();
        assertThat(a).isNotEqualTo(b).isNotEqualTo(c);
    }
}
