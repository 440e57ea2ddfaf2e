/**
 * The PPO algorithm of Open-Reasoner-Zero as small pure functions: GAE, batch-level advantage
 * normalisation, the clipped policy and value losses, an AdamW optimizer with warm-up and global
 * gradient-norm clipping, and the update schedules (one policy step per iteration, twelve critic
 * mini-batch steps) expressed so that data-parallel replicas apply exactly the single-replica
 * update.
 *
 * <p>Knows no Spark and no files: NDArrays and numbers in, NDArrays and numbers out.
 *
 * <p>Token layout shared by every function: tensors are {@code [B, T]} rows; {@code responseMask}
 * (any numeric or boolean type) is non-zero on response tokens, the only positions that count;
 * {@code segmentIds} (integer, optional) tells apart the samples packed into one row (a change of
 * id between neighbouring positions is a sample boundary; {@code null} means one sample per row).
 * Whatever sits at masked positions (values, log-probs, even NaN) never changes a result.
 */
package org.orzspark.ppo;
