package io.snmfservice.datasets;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.errors.Invalid;
import io.snmfservice.jobs.JobView;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import jakarta.validation.Valid;
import java.io.IOException;
import java.net.URI;
import org.springframework.data.domain.Page;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@RequestMapping("/v1/datasets")
@ConditionalOnRole(ConditionalOnRole.Half.API)
class DatasetController {

  private final DatasetService datasets;

  DatasetController(DatasetService datasets) {
    this.datasets = datasets;
  }

  /** 201 with the dataset; for {@code model-samples} 202 with the job that samples it. */
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<?> create(@Valid @RequestBody CreateDatasetRequest request,
      @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
    if (request.kind().equals("model-samples")) {
      return JobView.accepted(datasets.submitSampling(request, idempotencyKey));
    }
    return created(datasets.create(request));
  }

  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  ResponseEntity<DatasetView> upload(
      @RequestPart("file") MultipartFile file,
      @RequestParam("name") String name,
      @RequestParam("kind") String kind,
      @RequestParam(name = "modelId", required = false) Long modelId)
      throws IOException {
    return created(datasets.upload(name, kind, modelId, DatasetUploadValidator.validText(name, kind, file.getBytes())));
  }

  @GetMapping
  PageView<DatasetView> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    Page<Dataset> result = datasets.list(paging.page(), paging.size());
    return new PageView<>(
        result.map(DatasetView::of).getContent(), paging.page(), paging.size(), result.getTotalElements());
  }

  @GetMapping("/{id}")
  DatasetView get(@PathVariable long id) {
    return DatasetView.of(datasets.get(id));
  }

  @GetMapping("/{id}/documents")
  PageView<Document> documents(
      @PathVariable long id,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    Dataset dataset = datasets.get(id);
    return new PageView<>(
        datasets.documents(id, paging.offset(), paging.size()),
        paging.page(),
        paging.size(),
        dataset.getDocumentCount());
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable long id) {
    datasets.delete(id);
    return ResponseEntity.noContent().build();
  }

  private static ResponseEntity<DatasetView> created(Dataset dataset) {
    return ResponseEntity.created(URI.create("/v1/datasets/" + dataset.getId())).body(DatasetView.of(dataset));
  }
}
