package io.snmfservice.neuronpedia;

import io.snmfservice.config.ConditionalOnRole;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
@ConditionalOnRole(ConditionalOnRole.Half.API)
class NeuronpediaController {

  private final NeuronpediaExport export;

  private final NeuronpediaVectors vectors;

  NeuronpediaController(NeuronpediaExport export, NeuronpediaVectors vectors) {
    this.export = export;
    this.vectors = vectors;
  }

  /**
   * A ZIP for Neuronpedia's uploader: {@code batch-N.json} dashboards and {@code explanations.jsonl}.
   * {@code modelId} is the model's Neuronpedia id (default: its name here), {@code setName} the source set.
   */
  @GetMapping("/v1/factorizations/{id}/export/neuronpedia")
  ResponseEntity<StreamingResponseBody> neuronpedia(@PathVariable long id,
      @RequestParam(defaultValue = "0") int level, @RequestParam(required = false) String modelId,
      @RequestParam(required = false) String setName) {
    NeuronpediaExport.Target target = export.target(id, level, modelId, setName);
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"neuronpedia-" + target.source() + ".zip\"")
        .contentType(MediaType.parseMediaType("application/zip"))
        .body(out -> export.write(target, out));
  }

  /**
   * A factorization level's features as the bodies of Neuronpedia's vector upload (one per feature, labelled by its
   * description), mapped into the residual stream ({@link NeuronpediaVectors}).
   */
  @GetMapping("/v1/factorizations/{id}/export/neuronpedia-vectors")
  ResponseEntity<StreamingResponseBody> factorizationVectors(@PathVariable long id,
      @RequestParam(defaultValue = "0") int level, @RequestParam(required = false) String modelId,
      @RequestParam(required = false) Double steerStrength) {
    return vectorsOf(vectors.factorization(id, level, modelId, steerStrength));
  }

  /** A vector set's members as the bodies of Neuronpedia's vector upload, labelled by their labels. */
  @GetMapping("/v1/vector-sets/{id}/export/neuronpedia-vectors")
  ResponseEntity<StreamingResponseBody> vectorSetVectors(@PathVariable long id,
      @RequestParam(required = false) String modelId, @RequestParam(required = false) Double steerStrength) {
    return vectorsOf(vectors.vectorSet(id, modelId, steerStrength));
  }

  private ResponseEntity<StreamingResponseBody> vectorsOf(NeuronpediaVectors.Target target) {
    float[][] wOut = vectors.outputWeights(target);
    return ResponseEntity.ok()
        .header(HttpHeaders.CONTENT_DISPOSITION,
            "attachment; filename=\"neuronpedia-vectors-" + target.fileName() + ".json\"")
        .contentType(MediaType.APPLICATION_JSON)
        .body(out -> vectors.write(target, wOut, out));
  }
}
