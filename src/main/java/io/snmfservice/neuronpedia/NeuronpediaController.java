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

  NeuronpediaController(NeuronpediaExport export) {
    this.export = export;
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
}
