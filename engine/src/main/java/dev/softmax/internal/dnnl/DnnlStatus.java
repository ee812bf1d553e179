package dev.softmax.internal.dnnl;

import static dev.softmax.bindings.dnnl.dnnl_h.*;

import dev.softmax.SoftmaxNativeException;
import java.util.Map;

/** oneDNN status codes: their C names, and the one place where a failed status becomes an exception. */
public final class DnnlStatus {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(dnnl_success(), "dnnl_success"),
            Map.entry(dnnl_out_of_memory(), "dnnl_out_of_memory"),
            Map.entry(dnnl_invalid_arguments(), "dnnl_invalid_arguments"),
            Map.entry(dnnl_unimplemented(), "dnnl_unimplemented"),
            Map.entry(dnnl_last_impl_reached(), "dnnl_last_impl_reached"),
            Map.entry(dnnl_runtime_error(), "dnnl_runtime_error"),
            Map.entry(dnnl_not_required(), "dnnl_not_required"),
            Map.entry(dnnl_invalid_graph(), "dnnl_invalid_graph"),
            Map.entry(dnnl_invalid_graph_op(), "dnnl_invalid_graph_op"),
            Map.entry(dnnl_invalid_shape(), "dnnl_invalid_shape"),
            Map.entry(dnnl_invalid_data_type(), "dnnl_invalid_data_type"));

    /**
     * Fault injection for tests (RELIABILITY.md, "oneDNN returning an error status"): with
     * {@code -Dsoftmax.test.dnnlFault=<function>=<status code>} set when the JVM starts, {@link #check} reports that
     * status for every successful call of that oneDNN function, as if oneDNN had returned it, so that each error
     * path is exercised with the real call sites around it. Read once; unset (the only production state) it costs a
     * comparison with a constant null. The real call has happened, so a handle it created is leaked in that test JVM.
     */
    private static final String FAULT_FUNCTION;

    private static final int FAULT_STATUS;

    static {
        String fault = System.getProperty("softmax.test.dnnlFault");
        int at = fault == null ? -1 : fault.indexOf('=');
        FAULT_FUNCTION = at < 0 ? null : fault.substring(0, at);
        FAULT_STATUS = at < 0 ? 0 : Integer.parseInt(fault.substring(at + 1));
    }

    private DnnlStatus() {}

    /** The C enumerator name of a status, e.g. {@code dnnl_unimplemented}. */
    public static String name(int status) {
        String name = NAMES.get(status);
        return name != null ? name : "dnnl_status_t(" + status + ")";
    }

    /** Throws {@link SoftmaxNativeException} unless {@code status} is {@code dnnl_success}. */
    public static void check(int status, String function, String context) {
        if (FAULT_FUNCTION != null && status == dnnl_success() && FAULT_FUNCTION.equals(function)) {
            status = FAULT_STATUS;
        }
        if (status != dnnl_success()) {
            throw new SoftmaxNativeException(function, status, name(status), context);
        }
    }

    public static boolean isUnimplemented(int status) {
        return status == dnnl_unimplemented();
    }
}
