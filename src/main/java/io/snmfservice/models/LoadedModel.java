package io.snmfservice.models;

import io.snmfservice.transformer.HookedTransformer;
import io.snmfservice.transformer.tokenize.TextTokenizer;
import java.nio.file.Path;

/** A registered model with its weights loaded and its tokenizer ready. */
public record LoadedModel(Model model, Path files, HookedTransformer transformer, TextTokenizer tokenizer) {}
