package dev.softmax.bench;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The summary table's shape grid, one {@code @Param} that every benchmark of the summary inherits (the engine's
 * trials, ORT, the copy and the naive loop), so that they sweep the same shapes. JMH needs the values as a
 * literal in the annotation, so {@link Shape#ALL} holds them again for the suite and the report; {@code
 * SummaryShapesTest} keeps the two equal.
 */
@State(Scope.Thread)
public abstract class SummaryShapes {

    @Param({
        "8x16",
        "1x32000",
        "64x32000",
        "1x128256",
        "256x128256",
        "4096x128",
        "32768x128",
        "1024x1024",
        "32x4096",
        "1x1000000"
    })
    public String shape;
}
