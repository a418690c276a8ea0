package io.snmfservice.activations;

import io.snmfservice.datasets.Document;
import io.snmfservice.jobs.JobFailedException;
import io.snmfservice.models.LoadedModel;
import io.snmfservice.transformer.TransformerConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Documents as model inputs, the same for every job that runs a model over a dataset (collection, scoring): token
 * ids (text through the model's tokenizer, token documents as given, a leading BOS dropped), cut into consecutive
 * windows of at most the context length, each starting with BOS when the model has one, so every token is in
 * exactly one window.
 */
public final class ModelInputs {

  /** One model input: tokens of document {@code document} from token {@code offset} on (BOS not counted). */
  public record Window(int document, int offset, int[] tokens) {}

  private ModelInputs() {}

  /**
   * The windows of {@code documents}, in order, of at most {@code contextLength} tokens including BOS (and at most
   * the model's context). A token id outside the vocabulary fails the job, naming the document of dataset
   * {@code datasetId}.
   */
  public static List<Window> windows(LoadedModel model, long datasetId, List<Document> documents,
      int contextLength) {
    TransformerConfig config = model.transformer().config();
    int bos = config.bosId();
    int span = Math.min(contextLength, config.maxContext()) - (bos >= 0 ? 1 : 0);
    if (span < 1) {
      throw new JobFailedException("contextLength " + contextLength + " leaves no room for a token after BOS");
    }
    List<Window> windows = new ArrayList<>();
    for (Document doc : documents) {
      int[] ids = tokens(model, datasetId, doc);
      for (int offset = 0; offset < ids.length; offset += span) {
        int end = Math.min(ids.length, offset + span);
        int[] input = new int[end - offset + (bos >= 0 ? 1 : 0)];
        if (bos >= 0) {
          input[0] = bos;
        }
        System.arraycopy(ids, offset, input, bos >= 0 ? 1 : 0, end - offset);
        windows.add(new Window(doc.ordinal(), offset, input));
      }
    }
    return windows;
  }

  private static int[] tokens(LoadedModel model, long datasetId, Document doc) {
    int bos = model.transformer().config().bosId();
    int vocab = model.transformer().config().vocabSize();
    int[] ids = doc.tokenIds() != null ? doc.tokenIds() : model.tokenizer().encode(doc.text());
    if (ids.length > 0 && bos >= 0 && ids[0] == bos) {
      ids = Arrays.copyOfRange(ids, 1, ids.length);
    }
    for (int id : ids) {
      if (id < 0 || id >= vocab) {
        throw new JobFailedException("document " + doc.ordinal() + " of dataset " + datasetId + " has token id " + id
            + ", outside the model's vocabulary of " + vocab);
      }
    }
    return ids;
  }
}
