package dev.softmax.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

class SummaryShapesTest {

    /** The benchmarks' shape grid (a literal JMH needs) and the suite's and report's list must not drift apart. */
    @Test
    void theInheritedShapeGridIsShapeAll() throws NoSuchFieldException {
        Param grid = SummaryShapes.class.getField("shape").getAnnotation(Param.class);
        assertThat(grid.value()).containsExactly(Shape.ALL);
    }

    /** Every summary benchmark sweeps the inherited grid, none a copy of its own. */
    @Test
    void everySummaryBenchmarkInheritsTheGrid() throws NoSuchFieldException {
        for (Class<?> benchmark :
                new Class<?>[] {EngineTrial.class, OrtBenchmark.class, CopyBenchmark.class, NaiveBenchmark.class}) {
            assertThat(benchmark.getField("shape").getDeclaringClass())
                    .as(benchmark.getSimpleName())
                    .isEqualTo(SummaryShapes.class);
        }
    }
}
