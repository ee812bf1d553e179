package dev.softmax.spark;

import org.apache.spark.TaskContext;

/**
 * Where a function is in its input, for error messages: the function, its argument names, the Spark partition and
 * the position of the current row among the rows this function has evaluated in that partition (from 0). One per
 * expression instance; Spark deserialises a fresh plan for every task, so a task counts its own rows.
 */
final class RowContext {

    private final String function;
    private final String[] arguments;
    private long row = -1;

    RowContext(String function, String[] arguments) {
        this.function = function;
        this.arguments = arguments;
    }

    /** Called once per evaluated row, before any check. */
    void next() {
        row++;
    }

    String position() {
        TaskContext task = TaskContext.get();
        String partition = task == null ? "" : " of partition " + task.partitionId();
        return "row " + Math.max(row, 0) + partition;
    }

    IllegalArgumentException nullElement(int argument, int element) {
        return new IllegalArgumentException(
                function + ": argument " + arguments[argument] + " has a null element at index " + element + " in "
                        + position() + " (null elements are not allowed; a null array gives a null result)");
    }

    IllegalArgumentException invalid(String what) {
        return new IllegalArgumentException(function + ": " + what + " in " + position());
    }

    RuntimeException fromEngine(RuntimeException e) {
        return new IllegalArgumentException(function + ": " + position() + ": " + e.getMessage(), e);
    }
}
