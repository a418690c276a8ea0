package io.snmfservice.jobs;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/** Vectors in a job's JSON parameters and results. */
public final class JobParams {

  private JobParams() {}

  /** A JSON array of numbers as floats. */
  public static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  /** Appends {@code values} to a JSON array and returns it. */
  public static ArrayNode addAll(ArrayNode array, float[] values) {
    for (float v : values) {
      array.add(v);
    }
    return array;
  }
}
