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

    private DnnlStatus() {}

    /** The C enumerator name of a status, e.g. {@code dnnl_unimplemented}. */
    public static String name(int status) {
        String name = NAMES.get(status);
        return name != null ? name : "dnnl_status_t(" + status + ")";
    }

    /** Throws {@link SoftmaxNativeException} unless {@code status} is {@code dnnl_success}. */
    public static void check(int status, String function, String context) {
        if (status != dnnl_success()) {
            throw new SoftmaxNativeException(function, status, name(status), context);
        }
    }

    public static boolean isUnimplemented(int status) {
        return status == dnnl_unimplemented();
    }
}
