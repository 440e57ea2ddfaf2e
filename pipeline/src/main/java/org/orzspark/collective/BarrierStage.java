package org.orzspark.collective;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Runs a function over the partitions of an RDD as one Spark barrier stage (gang-scheduled), from
 * Java: {@code JavaRDD} has no {@code barrier()}. Spark retries a failed barrier stage whole only
 * when it is a shuffle map stage; a barrier result stage that fails aborts its job. {@link
 * #collect} therefore collects through a shuffle.
 */
public final class BarrierStage {
  private BarrierStage() {}

  public static <T, R> JavaRDD<R> mapPartitions(
      JavaRDD<T> rdd, FlatMapFunction<Iterator<T>, R> function, Class<R> resultType) {
    ClassTag<R> tag = ClassTag$.MODULE$.apply(resultType);
    return JavaRDD.fromRDD(
        rdd.rdd().barrier().mapPartitions(new ScalaPartitionFunction<>(function), false, tag), tag);
  }

  /**
   * Runs {@code function} over the partitions of {@code rdd} as one barrier stage and returns what
   * the tasks return. The barrier stage feeds a one-partition shuffle that the driver collects, so
   * when a task fails (its executor killed, say) Spark runs every task of the stage again, up to
   * {@code spark.stage.maxConsecutiveAttempts} times, instead of aborting the job.
   */
  public static <T, R> List<R> collect(
      JavaRDD<T> rdd, FlatMapFunction<Iterator<T>, R> function, Class<R> resultType) {
    return mapPartitions(rdd, function, resultType).repartition(1).collect();
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
