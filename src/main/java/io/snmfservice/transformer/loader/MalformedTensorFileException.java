package io.snmfservice.transformer.loader;

/**
 * A tensor file (safetensors) whose header or data cannot be what it claims: sizes that overflow, offsets outside
 * the file, unknown dtypes. The message names the offending field; callers turn it into their own rejection.
 */
public class MalformedTensorFileException extends IllegalArgumentException {

  public MalformedTensorFileException(String message) {
    super(message);
  }
}
