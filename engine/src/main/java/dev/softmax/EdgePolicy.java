package dev.softmax;

/**
 * What the engine returns for rows that have no finite answer. Both backends apply the same policy; which
 * backend ran cannot be told from the result.
 *
 * <table>
 *   <caption>Results per policy</caption>
 *   <tr><th>row contains</th><th>{@link #ZERO} (default)</th><th>{@link #NAN}</th><th>{@link #REJECT}</th></tr>
 *   <tr><td>only -inf (fully masked)</td><td>softmax 0, log-softmax -inf</td><td>NaN</td>
 *       <td>as {@code ZERO}</td></tr>
 *   <tr><td>a NaN or a +inf</td><td>NaN in the whole row</td><td>NaN in the whole row</td>
 *       <td>{@link NonFiniteInputException} before anything is written</td></tr>
 * </table>
 * Finite logits of any magnitude (1e30 beside -1e30) never overflow: the row maximum is subtracted first.
 */
public enum EdgePolicy {
    /** Fully masked rows give probability 0 (log-probability -inf); NaN/+inf rows give NaN. */
    ZERO,
    /** Fully masked rows give NaN, as PyTorch, ONNX Runtime and oneDNN do; NaN/+inf rows give NaN. */
    NAN,
    /** Like {@link #ZERO}, but a NaN or +inf anywhere in the input is an error reported before any write. */
    REJECT
}
