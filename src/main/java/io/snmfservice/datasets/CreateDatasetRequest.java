package io.snmfservice.datasets;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A dataset from a request body. {@code kind} says how to read it: {@code text} (one document per line of
 * {@code content}, or the {@code texts} array), {@code jsonl} ({@code content} of lines {@code {"text": ...}}),
 * {@code tokens} (the {@code tokens} array of id lists, or {@code content} as JSONL of id arrays).
 */
public record CreateDatasetRequest(
    @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*",
        message = "must start with a letter or digit and use only letters, digits, '.', '_' and '-'") String name,
    @NotBlank @Pattern(regexp = "text|jsonl|tokens", message = "must be one of text, jsonl, tokens") String kind,
    String content,
    List<String> texts,
    List<int[]> tokens,
    @Positive Long modelId) {}
