package io.snmfservice.models;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Registration of a model from one of three sources: {@code hf} (repoId + revision), {@code local} (path of a
 * Hugging Face layout directory) or {@code llama2c} (path of a {@code .bin}).
 */
public record RegisterModelRequest(
    @Size(min = 1, max = 100) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*",
        message = "must start with a letter or digit and use only letters, digits, '.', '_' and '-'")
        String name,
    @NotBlank @Pattern(regexp = "hf|local|llama2c", message = "must be one of hf, local, llama2c") String source,
    @Size(max = 200) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?",
        message = "must look like 'org/name'") String repoId,
    @Size(max = 200) @Pattern(regexp = "[A-Za-z0-9._/-]+", message = "must be a branch, tag or commit")
        String revision,
    @Size(max = 4096) String path) {}
