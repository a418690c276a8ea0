package io.snmfservice.models;

/** The facts of a checkpoint that requests are validated against (layer range, vector lengths, token ids). */
public record ModelShape(String architecture, int nLayers, int dModel, int dMlp, int vocabSize) {}
