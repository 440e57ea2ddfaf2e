/**
 * The Qwen2 model in DJL: configuration ({@link org.orzspark.model.Qwen2Config}), Hugging Face
 * checkpoints ({@link org.orzspark.model.ModelCheckpoint}, {@link org.orzspark.model.Safetensors}),
 * the decoder ({@link org.orzspark.model.Qwen2Decoder}), the policy and critic, and training
 * batches; and what curation asks of a model directory: question embeddings ({@link
 * org.orzspark.model.ModelQuestionEmbedder}, {@code orz curate dedup}) and token counts ({@link
 * org.orzspark.model.TokenizerTokenCounter}, {@code orz curate filter}).
 *
 * <pre>{@code
 * try (NDManager manager = NDManager.newBaseManager();
 *     PolicyModel policy = PolicyModel.load(dir, manager);
 *     CriticModel critic = CriticModel.load(dir, manager, ValueHeadInit.DEFAULT, seed);
 *     NDManager work = manager.newSubManager()) {
 *   TokenBatch batch = TokenBatch.packed(rowsOfSequences, rowLength);  // or padded(sequences)
 *   try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
 *     NDArray logProbs = policy.tokenLogProbs(batch, work);  // [B, T]
 *     NDArray values = critic.values(batch, work);           // [B, T]
 *     collector.backward(loss(logProbs, values));
 *   }
 *   // then for each policy.parameters() entry: optimizer.update(id, weight, gradient)
 *   policy.save(outputDir);  // config.json, model.safetensors, tokenizer files
 * }
 * }</pre>
 *
 * <p>DJL pitfalls this package respects: every result attaches to a manager the caller passes;
 * forwards without gradients run inside {@link org.orzspark.model.GradMode#disabled()}; weights are
 * always float32 in the engine (BF16/F16 checkpoints are widened in Java, a chunk at a time:
 * tensors travel between files and engine arrays as {@link org.orzspark.model.TensorValues}, never
 * whole in one Java array, so none is limited to 2 GiB). On CPU an array made from Java data
 * borrows a direct buffer that DJL frees once the array is closed and collected, while autograd may
 * still hold the tensor: any such array a differentiable result depends on belongs to the caller's
 * manager (which outlives {@code backward}), never to a forward's temporaries.
 */
package org.orzspark.model;
