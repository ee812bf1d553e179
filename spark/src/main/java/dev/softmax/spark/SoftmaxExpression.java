package dev.softmax.spark;

import dev.softmax.spark.SoftmaxFunction.Slot;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.ExpectsInputTypes$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ImplicitCastInputTypes;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeBlock;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.codegen.JavaCode;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.AbstractDataType;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.TypeCollection;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One of the SQL functions as a Catalyst expression. Generated code evaluates the arguments as primitives and
 * {@code ArrayData} and calls {@link #evalArray}, {@link #evalFloat} or {@link #evalInt} on this object (a
 * reference of the generated class): no boxing of elements or scalars, no {@code Row} conversion. Interpreted
 * {@link #eval} (used when code generation is off or falls back) calls the same methods.
 *
 * <p>Argument types: logits are {@code array<float>} or {@code array<double>} (other numeric arrays are cast to
 * {@code array<float>}); temperature, top_p and min_p are cast to double, k and top_k to int, seed and step to
 * bigint (Spark's implicit casts). A null argument gives a null result; an empty array gives an empty array
 * (array results) or null (scalar results).
 */
public final class SoftmaxExpression extends Expression implements ImplicitCastInputTypes, Serializable {

    private static final long serialVersionUID = 1L;
    private static final AbstractDataType LOGITS_TYPE = TypeCollection.apply(CollectionConverters.asScala(List.of(
                    (AbstractDataType) DataTypes.createArrayType(DataTypes.FloatType),
                    DataTypes.createArrayType(DataTypes.DoubleType)))
            .toSeq());

    private final SoftmaxFunction function;
    private final List<Expression> arguments;
    private transient RowContext context;
    private transient boolean resultNull;

    public SoftmaxExpression(SoftmaxFunction function, List<Expression> arguments) {
        this.function = Objects.requireNonNull(function, "function");
        this.arguments = List.copyOf(arguments);
        if (arguments.size() < function.requiredArguments || arguments.size() > function.slots.size()) {
            throw new IllegalArgumentException(function.sqlName + " takes "
                    + (function.requiredArguments == function.slots.size()
                            ? String.valueOf(function.requiredArguments)
                            : function.requiredArguments + " to " + function.slots.size())
                    + " arguments (" + String.join(", ", function.argumentNames()) + "), not " + arguments.size());
        }
    }

    public SoftmaxFunction function() {
        return function;
    }

    // ---------------------------------------------------------------- Catalyst plumbing

    @Override
    public Seq<Expression> children() {
        return CollectionConverters.asScala(arguments).toSeq();
    }

    @Override
    public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
        return new SoftmaxExpression(function, new ArrayList<>(CollectionConverters.asJava(newChildren)));
    }

    @Override
    public DataType dataType() {
        return function.dataType;
    }

    @Override
    public boolean nullable() {
        return true;
    }

    @Override
    public String prettyName() {
        return function.sqlName;
    }

    @Override
    public Seq<AbstractDataType> inputTypes() {
        List<AbstractDataType> types = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            types.add(
                    switch (function.slots.get(i)) {
                        case LOGITS, SECOND -> LOGITS_TYPE;
                        case TEMPERATURE, TOP_P, MIN_P -> DataTypes.DoubleType;
                        case K -> DataTypes.IntegerType;
                        case SEED, STEP -> DataTypes.LongType;
                    });
        }
        return CollectionConverters.asScala(types).toSeq();
    }

    @Override
    public TypeCheckResult checkInputDataTypes() {
        return ExpectsInputTypes$.MODULE$.checkInputDataTypes(children(), inputTypes());
    }

    @Override
    public int productArity() {
        return 1;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> children();
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public boolean canEqual(Object that) {
        return that instanceof SoftmaxExpression;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SoftmaxExpression other && other.function == function && other.arguments.equals(arguments);
    }

    @Override
    public int hashCode() {
        return 31 * function.hashCode() + arguments.hashCode();
    }

    // ---------------------------------------------------------------- evaluation

    @Override
    public Object eval(InternalRow input) {
        ArrayData logits = null;
        ArrayData second = null;
        double temperature = 1;
        int k = 0;
        long seed = 0;
        long step = 0;
        double topP = 1;
        double minP = 0;
        for (int i = 0; i < arguments.size(); i++) {
            Object value = arguments.get(i).eval(input);
            if (value == null) {
                return null;
            }
            switch (function.slots.get(i)) {
                case LOGITS -> logits = (ArrayData) value;
                case SECOND -> second = (ArrayData) value;
                case TEMPERATURE -> temperature = ((Number) value).doubleValue();
                case K -> k = ((Number) value).intValue();
                case SEED -> seed = ((Number) value).longValue();
                case STEP -> step = ((Number) value).longValue();
                case TOP_P -> topP = ((Number) value).doubleValue();
                case MIN_P -> minP = ((Number) value).doubleValue();
            }
        }
        if (function.returnsArray()) {
            return evalArray(logits, second, temperature, k, seed, step, topP, minP);
        } else if (function == SoftmaxFunction.SAMPLE_TOKEN) {
            int token = evalInt(logits, second, temperature, k, seed, step, topP, minP);
            return resultNull ? null : token;
        } else {
            float value = evalFloat(logits, second, temperature, k, seed, step, topP, minP);
            return resultNull ? null : value;
        }
    }

    @Override
    public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
        String self = ctx.addReferenceObj("softmaxFunction", this, SoftmaxExpression.class.getName());
        StringBuilder code = new StringBuilder();
        StringBuilder anyNull = new StringBuilder("false");
        String[] parameters = {"null", "null", "1.0", "0", "0L", "0L", "1.0", "0.0"};
        for (int i = 0; i < arguments.size(); i++) {
            ExprCode child = arguments.get(i).genCode(ctx);
            code.append(child.code()).append('\n');
            anyNull.append(" || ").append(child.isNull());
            Slot slot = function.slots.get(i);
            int parameter = switch (slot) {
                case LOGITS -> 0;
                case SECOND -> 1;
                case TEMPERATURE -> 2;
                case K -> 3;
                case SEED -> 4;
                case STEP -> 5;
                case TOP_P -> 6;
                case MIN_P -> 7;
            };
            parameters[parameter] = child.value().toString();
        }
        String method = function.returnsArray()
                ? "evalArray"
                : function == SoftmaxFunction.SAMPLE_TOKEN ? "evalInt" : "evalFloat";
        String javaType = CodeGenerator.javaType(dataType());
        code.append("boolean ")
                .append(ev.isNull())
                .append(" = ")
                .append(anyNull)
                .append(";\n");
        code.append(javaType)
                .append(' ')
                .append(ev.value())
                .append(" = ")
                .append(CodeGenerator.defaultValue(dataType(), true))
                .append(";\n");
        code.append("if (!").append(ev.isNull()).append(") {\n  ");
        code.append(ev.value())
                .append(" = ")
                .append(self)
                .append('.')
                .append(method)
                .append('(')
                .append(String.join(", ", parameters))
                .append(");\n  ");
        code.append(ev.isNull()).append(" = ").append(self).append(".resultNull();\n}\n");
        return ev.copy(
                new CodeBlock(
                        CollectionConverters.asScala(List.of(code.toString())).toSeq(),
                        CollectionConverters.asScala(List.<JavaCode>of()).toSeq()),
                ev.isNull(),
                ev.value());
    }

    /** Whether the last evalArray/evalFloat/evalInt produced null (for generated code). */
    public boolean resultNull() {
        return resultNull;
    }

    private RowContext context() {
        if (context == null) {
            context = new RowContext(function.sqlName, function.argumentNames());
        }
        return context;
    }

    private boolean isDouble(int argument) {
        return ((ArrayType) arguments.get(argument).dataType()).elementType() == DataTypes.DoubleType;
    }

    private boolean mayHoldNulls(int argument) {
        return ((ArrayType) arguments.get(argument).dataType()).containsNull();
    }

    /** The array-valued functions (softmax, log_softmax, top_k_logprobs) on non-null arguments. */
    public ArrayData evalArray(
            ArrayData logits,
            ArrayData second,
            double temperature,
            int k,
            long seed,
            long step,
            double topP,
            double minP) {
        RowContext row = context();
        row.next();
        resultNull = false;
        RowKernels kernels = RowKernels.get();
        int n = kernels.load(logits, isDouble(0), mayHoldNulls(0), 0, row, 0);
        float t = positiveTemperature(temperature, row);
        try {
            return switch (function) {
                case SOFTMAX, LOG_SOFTMAX ->
                    n == 0
                            ? RowKernels.floatArray(null, 0)
                            : kernels.softmax(n, t, function == SoftmaxFunction.LOG_SOFTMAX);
                case TOP_K_LOGPROBS -> {
                    if (k < 0) {
                        throw row.invalid("k is " + k + "; expected k >= 0");
                    }
                    yield kernels.topKLogprobs(n, n == 0 ? 0 : k, t);
                }
                default -> throw new IllegalStateException(function.sqlName);
            };
        } catch (IllegalArgumentException e) {
            throw e.getMessage() != null && e.getMessage().startsWith(function.sqlName + ": ") ? e : row.fromEngine(e);
        } catch (RuntimeException e) {
            throw row.fromEngine(e);
        }
    }

    /** The float-valued functions (logsumexp, entropy, kl_divergence) on non-null arguments. */
    public float evalFloat(
            ArrayData logits,
            ArrayData second,
            double temperature,
            int k,
            long seed,
            long step,
            double topP,
            double minP) {
        RowContext row = context();
        row.next();
        RowKernels kernels = RowKernels.get();
        int n = kernels.load(logits, isDouble(0), mayHoldNulls(0), 0, row, 0);
        float t = positiveTemperature(temperature, row);
        if (function == SoftmaxFunction.KL_DIVERGENCE) {
            int m = kernels.load(second, isDouble(1), mayHoldNulls(1), 1, row, 1);
            if (m != n) {
                throw row.invalid(
                        "teacher_logits has " + n + " elements and student_logits " + m + "; expected the same length");
            }
        }
        resultNull = n == 0;
        if (n == 0) {
            return 0f;
        }
        try {
            return switch (function) {
                case LOGSUMEXP -> kernels.logSumExp(n, t);
                case ENTROPY -> kernels.entropy(n, t);
                case KL_DIVERGENCE -> kernels.klDivergence(n, t);
                default -> throw new IllegalStateException(function.sqlName);
            };
        } catch (RuntimeException e) {
            throw row.fromEngine(e);
        }
    }

    /** sample_token on non-null arguments. */
    public int evalInt(
            ArrayData logits,
            ArrayData second,
            double temperature,
            int k,
            long seed,
            long step,
            double topP,
            double minP) {
        RowContext row = context();
        row.next();
        RowKernels kernels = RowKernels.get();
        int n = kernels.load(logits, isDouble(0), mayHoldNulls(0), 0, row, 0);
        resultNull = n == 0;
        if (n == 0) {
            return 0;
        }
        try {
            return kernels.sample(n, (float) temperature, k, (float) topP, (float) minP, seed, step);
        } catch (RuntimeException e) {
            throw row.fromEngine(e);
        }
    }

    private float positiveTemperature(double temperature, RowContext row) {
        float t = (float) temperature;
        if (!(t > 0) || !Float.isFinite(t)) {
            throw row.invalid("temperature is " + temperature + "; expected a finite value > 0");
        }
        return t;
    }
}
