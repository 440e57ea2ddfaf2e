package org.orzspark.collective;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Runs a function over the partitions of an RDD as one Spark barrier stage (gang-scheduled,
 * all-or-nothing retry), from Java: {@code JavaRDD} has no {@code barrier()}.
 */
public final class BarrierStage {
  private BarrierStage() {}

  public static <T, R> JavaRDD<R> mapPartitions(
      JavaRDD<T> rdd, FlatMapFunction<Iterator<T>, R> function, Class<R> resultType) {
    ClassTag<R> tag = ClassTag$.MODULE$.apply(resultType);
    return JavaRDD.fromRDD(
        rdd.rdd().barrier().mapPartitions(new ScalaPartitionFunction<>(function), false, tag), tag);
  }

  private static final class ScalaPartitionFunction<T, R>
      extends AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<R>>
      implements Serializable {
    private final FlatMapFunction<Iterator<T>, R> function;

    ScalaPartitionFunction(FlatMapFunction<Iterator<T>, R> function) {
      this.function = function;
    }

    @Override
    public scala.collection.Iterator<R> apply(scala.collection.Iterator<T> partition) {
      try {
        return CollectionConverters.asScala(function.call(CollectionConverters.asJava(partition)));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("barrier task failed", e);
      }
    }
  }
}
