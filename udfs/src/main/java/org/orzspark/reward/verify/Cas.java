package org.orzspark.reward.verify;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.matheclipse.core.basic.Config;
import org.matheclipse.core.eval.EvalEngine;
import org.matheclipse.core.expression.F;
import org.matheclipse.core.interfaces.IExpr;
import org.matheclipse.core.interfaces.ISymbol;
import org.orzspark.reward.latex.Expr;
import org.orzspark.timing.Stopwatch;

/**
 * Symbolic questions answered by Symja under a watchdog. Each check runs on a pooled daemon thread
 * with a fresh {@link EvalEngine} (results must not depend on earlier checks); when the deadline
 * passes the engine is asked to stop, the thread is interrupted and the check reports {@link
 * Outcome#TIMEOUT}. Symja stops cooperatively, so a thread that keeps running is counted ({@link
 * #runawayThreads()}) rather than waited for.
 */
public final class Cas {
  /** What the CAS concluded. */
  public enum Outcome {
    EQUAL,
    NOT_EQUAL,
    TIMEOUT,
    UNSUPPORTED
  }

  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread t = new Thread(runnable, "orz-cas");
            t.setDaemon(true);
            return t;
          });
  private static final AtomicInteger RUNAWAY = new AtomicInteger();
  private static final java.util.concurrent.atomic.AtomicLong CHECKS =
      new java.util.concurrent.atomic.AtomicLong();
  private static volatile boolean initialized;

  /** While this many abandoned checks still run, further CAS checks report a timeout at once. */
  static final int MAX_RUNAWAY = 4;

  private Cas() {}

  /**
   * Sets the JVM-wide Symja limits and loads Symja's symbol tables (seconds, once per JVM).
   *
   * @return the nanoseconds spent here, so that callers can keep this one-off cost out of a check's
   *     time budget (0 once initialised)
   */
  public static synchronized long initialize() {
    if (initialized) {
      return 0;
    }
    Stopwatch clock = Stopwatch.start();
    Config.MAX_BIT_LENGTH = 20_000;
    Config.MAX_AST_SIZE = 20_000;
    Config.MAX_POLYNOMIAL_DEGREE = 200;
    Config.MAX_INPUT_LEAVES = 2_000L;
    Config.MAX_MATRIX_DIMENSION_SIZE = 50;
    Config.FILESYSTEM_ENABLED = false;
    F.initSymbols();
    initialized = true;
    return clock.nanos();
  }

  /**
   * How many checks reached the CAS in this JVM (the bench uses it to tell fast-path pairs apart).
   */
  public static long checks() {
    return CHECKS.get();
  }

  /** Threads whose check passed its deadline and that had not stopped when last seen. */
  public static int runawayThreads() {
    return RUNAWAY.get();
  }

  /** Whether {@code a - b} simplifies to zero. */
  public static Outcome equal(Expr a, Expr b, long timeoutMillis) {
    return run(
        engine -> {
          Map<String, ISymbol> symbols = new HashMap<>();
          IExpr difference =
              F.Subtract(SymjaBridge.toSymja(a, symbols), SymjaBridge.toSymja(b, symbols));
          return isZero(engine, difference) ? Outcome.EQUAL : Outcome.NOT_EQUAL;
        },
        timeoutMillis);
  }

  /**
   * Whether {@code d1 = c * d2} for a constant {@code c} of the required sign ({@code sign} 1:
   * positive, 0: any non-zero). The constant is read off at a rational test point, then the
   * identity is checked symbolically (ratio-at-a-point, then an exact expand).
   */
  public static Outcome proportional(Expr d1, Expr d2, int sign, long timeoutMillis) {
    return run(
        engine -> {
          Map<String, ISymbol> symbols = new HashMap<>();
          IExpr e1 = SymjaBridge.toSymja(d1, symbols);
          IExpr e2 = SymjaBridge.toSymja(d2, symbols);
          IExpr[] rules = new IExpr[symbols.size()];
          int k = 0;
          for (ISymbol symbol : symbols.values()) {
            rules[k] = F.Rule(symbol, F.QQ(3 + 2 * k, 7 + 4 * k));
            k++;
          }
          IExpr point = F.List(rules);
          IExpr at1 = engine.evaluate(F.ReplaceAll(e1, point));
          IExpr at2 = engine.evaluate(F.ReplaceAll(e2, point));
          if (at2.isZero() || !at1.isNumber() || !at2.isNumber()) {
            return Outcome.NOT_EQUAL;
          }
          IExpr ratio = engine.evaluate(F.Divide(at1, at2));
          if (ratio.isZero() || sign > 0 && !engine.evaluate(F.Greater(ratio, F.C0)).isTrue()) {
            return Outcome.NOT_EQUAL;
          }
          return isZero(engine, F.Subtract(e1, F.Times(ratio, e2)))
              ? Outcome.EQUAL
              : Outcome.NOT_EQUAL;
        },
        timeoutMillis);
  }

  private static boolean isZero(EvalEngine engine, IExpr difference) {
    IExpr expanded = engine.evaluate(F.ExpandAll(difference));
    if (expanded.isZero()) {
      return true;
    }
    IExpr simplified = engine.evaluate(F.Simplify(expanded));
    if (simplified.isZero()) {
      return true;
    }
    return engine.evaluate(F.PossibleZeroQ(simplified)).isTrue();
  }

  private static Outcome run(Function<EvalEngine, Outcome> question, long timeoutMillis) {
    initialize();
    if (RUNAWAY.get() >= MAX_RUNAWAY) {
      // Threads that ignored their stop request still hold CPUs; new checks wait for none of them.
      return Outcome.TIMEOUT;
    }
    CHECKS.incrementAndGet();
    AtomicReference<EvalEngine> engineRef = new AtomicReference<>();
    AtomicInteger state = new AtomicInteger(); // 0 running, 1 finished, 2 abandoned
    Future<Outcome> future =
        POOL.submit(
            () -> {
              EvalEngine engine = new EvalEngine(true);
              engine.setRecursionLimit(256);
              engine.setIterationLimit(10_000);
              engine.setQuietMode(true);
              engineRef.set(engine);
              EvalEngine.set(engine);
              try {
                return question.apply(engine);
              } catch (SymjaBridge.UnsupportedException unsupported) {
                return Outcome.UNSUPPORTED;
              } finally {
                EvalEngine.remove();
                if (!state.compareAndSet(0, 1)) {
                  RUNAWAY.decrementAndGet();
                }
              }
            });
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException timeout) {
      EvalEngine engine = engineRef.get();
      if (engine != null) {
        engine.stopRequest();
      }
      future.cancel(true);
      if (state.compareAndSet(0, 2)) {
        RUNAWAY.incrementAndGet();
      }
      return Outcome.TIMEOUT;
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      return Outcome.TIMEOUT;
    } catch (ExecutionException | CancellationException failed) {
      // Symja signals its own limits (recursion, AST size, bit length) with exceptions.
      return Outcome.UNSUPPORTED;
    }
  }
}
