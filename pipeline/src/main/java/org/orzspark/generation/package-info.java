/**
 * Sampling of responses: continuous batching over a block KV cache, tokens drawn on the engine
 * ({@link org.orzspark.generation.Generator}).
 *
 * <pre>{@code
 * HuggingFaceTokenizer tokenizer = Tokenizers.load(modelDir);
 * Generator generator = new Generator(policy, Tokenizers.decoder(tokenizer), seed);
 * List<GeneratedSample> samples = generator.generate(
 *     List.of(new PromptRequest("prompt-17", Tokenizers.encode(tokenizer, prompt), 0, 64)),
 *     SamplingParams.orz(maxNewTokens, policy.config().eosTokenIds()));
 * }</pre>
 */
package org.orzspark.generation;
