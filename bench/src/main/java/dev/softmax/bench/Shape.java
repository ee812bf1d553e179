package dev.softmax.bench;

/**
 * A benchmark shape, "rows x columns" (softmax along the last axis, over {@code columns}).
 *
 * @param rows    independent rows
 * @param columns elements per row
 */
public record Shape(int rows, int columns) {

    /**
     * Every shape the suite knows, in the order reports list them. 32768x128 is attention prefill ({@code [8, 32,
     * 128, 128]}: batch, heads, queries, keys) and 32x4096 one decode step of 32 heads over a 4096-token context,
     * both as plain rows (issue 13 compares them with ORT's Softmax).
     */
    public static final String[] ALL = {
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
    };

    public Shape {
        if (rows < 1 || columns < 1 || (long) rows * columns > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + rows + "x" + columns + " is not supported");
        }
    }

    /** Parses "64x32000". */
    public static Shape parse(String text) {
        String[] parts = text.trim().split("x");
        if (parts.length != 2) {
            throw new IllegalArgumentException("shape: '" + text + "' is not ROWSxCOLUMNS, e.g. 64x32000");
        }
        return new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }

    public int elements() {
        return rows * columns;
    }

    public long[] dims() {
        return new long[] {rows, columns};
    }

    @Override
    public String toString() {
        return rows + "x" + columns;
    }
}
