package io.snmfservice.datasets;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A dataset from a request body. {@code kind} says how to read it: {@code text} (one document per line of
 * {@code content}, or the {@code texts} array), {@code jsonl} ({@code content} of lines {@code {"text": ...}}),
 * {@code tokens} (the {@code tokens} array of id lists, or {@code content} as JSONL of id arrays),
 * {@code model-samples} ({@code count} sequences of {@code length} tokens sampled from model {@code modelId}
 * with {@code seed}, {@code temperature}, {@code topK}, {@code topP}; created by a job).
 */
public record CreateDatasetRequest(
    @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*",
        message = "must start with a letter or digit and use only letters, digits, '.', '_' and '-'") String name,
    @NotBlank @Pattern(regexp = "text|jsonl|tokens|model-samples",
        message = "must be one of text, jsonl, tokens, model-samples") String kind,
    String content,
    List<String> texts,
    List<int[]> tokens,
    @Positive Long modelId,
    @Min(1) @Max(100_000) Integer count,
    @Min(1) @Max(8192) Integer length,
    Long seed,
    @DecimalMin("0") @DecimalMax("10") Double temperature,
    @Min(0) Integer topK,
    @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") Double topP) {}
