package dev.softmax.bench;

import dev.softmax.Backend;
import dev.softmax.DType;
import dev.softmax.EngineOptions;
import dev.softmax.SoftmaxEngine;
import java.lang.foreign.Arena;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every benchmark of the engine's public API shares: the parameter grid (shape, backend, element type,
 * threads), an engine and an arena per trial, and the trial record written when the trial ends. Subclasses
 * allocate their views in {@link #arena}, run their own self-check, and set {@link #log} from its result.
 * Forward and backward must sweep the same grid for the report to put them side by side.
 */
@State(Scope.Thread)
public abstract class EngineTrial extends SummaryShapes {

    @Param({"ONEDNN", "JAVA", "AUTO"})
    public Backend backend;

    @Param({"F32", "BF16"})
    public DType dtype;

    @Param({"1", "2"})
    public int threads;

    protected Arena arena;
    protected SoftmaxEngine engine;
    protected TrialLog log;

    /** Opens this trial's arena and a warmed-up engine for its parameters; returns the parsed shape. */
    protected final Shape openTrial() {
        arena = Arena.ofShared();
        engine = SoftmaxEngine.create(EngineOptions.builder()
                .backend(backend)
                .threads(threads)
                .warmUp(true)
                .build());
        return Shape.parse(shape);
    }

    @TearDown(Level.Trial)
    public void closeTrial() {
        if (engine == null) {
            return;
        }
        try {
            if (log != null) {
                log.engine(engine).write();
            }
        } finally {
            engine.close();
            arena.close();
        }
    }
}
