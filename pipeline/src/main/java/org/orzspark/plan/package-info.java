/**
 * What a run needs before it runs ({@code orz plan}): memory per GPU by part and phase ({@link
 * org.orzspark.plan.MemoryPlan}), FLOPs and GPU-hours per iteration ({@link
 * org.orzspark.plan.ComputePlan}), from pure functions of a Qwen2 configuration ({@link
 * org.orzspark.plan.ModelArithmetic}) and the Qwen2.5 shapes by name ({@link
 * org.orzspark.plan.ModelShapes}). No Spark, no engine, no files.
 */
package org.orzspark.plan;
