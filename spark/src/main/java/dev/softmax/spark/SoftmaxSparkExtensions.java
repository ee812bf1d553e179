package dev.softmax.spark;

import java.util.ArrayList;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * Registers the SQL functions in every session built with
 * {@code spark.sql.extensions=dev.softmax.spark.SoftmaxSparkExtensions}: {@code softmax}, {@code log_softmax},
 * {@code logsumexp}, {@code entropy}, {@code top_k_logprobs}, {@code sample_token} and {@code kl_divergence}.
 * Spark's own functions keep their names: these are added beside them, as built-in functions of the session.
 */
public final class SoftmaxSparkExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit>
        implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        for (SoftmaxFunction function : SoftmaxFunction.values()) {
            extensions.injectFunction(description(function));
        }
        return BoxedUnit.UNIT;
    }

    static Tuple3<FunctionIdentifier, ExpressionInfo, Function1<Seq<Expression>, Expression>> description(
            SoftmaxFunction function) {
        return new Tuple3<>(
                FunctionIdentifier.apply(function.sqlName),
                new ExpressionInfo(SoftmaxExpression.class.getName(), null, function.sqlName, function.usage, ""),
                new Builder(function));
    }

    /** Builds the expression from the argument list (checks the argument count). */
    private static final class Builder extends AbstractFunction1<Seq<Expression>, Expression>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final SoftmaxFunction function;

        Builder(SoftmaxFunction function) {
            this.function = function;
        }

        @Override
        public Expression apply(Seq<Expression> arguments) {
            return new SoftmaxExpression(function, new ArrayList<>(CollectionConverters.asJava(arguments)));
        }
    }
}
