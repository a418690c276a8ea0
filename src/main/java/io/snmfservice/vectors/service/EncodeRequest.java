package io.snmfservice.vectors.service;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/**
 * Text (encoded with the model's tokenizer, BOS prepended when the model has one and {@code prependBos} is not
 * false) or token ids to run through the model and the set's SAE; {@code top} latents per token are returned.
 */
public record EncodeRequest(@Size(max = 4000) String text, @Size(max = 256) int[] tokens, Boolean prependBos,
    @Min(1) @Max(100) Integer top) {}
