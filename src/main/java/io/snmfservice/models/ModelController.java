package io.snmfservice.models;

import io.snmfservice.config.ConditionalOnRole;
import io.snmfservice.web.PageView;
import io.snmfservice.web.Paging;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.data.domain.Page;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/v1/models")
@ConditionalOnRole(ConditionalOnRole.Half.API)
class ModelController {

  private final ModelService models;

  ModelController(ModelService models) {
    this.models = models;
  }

  @PostMapping
  ResponseEntity<ModelView> register(@Valid @RequestBody RegisterModelRequest request) {
    ModelView view = ModelView.of(models.register(request));
    return ResponseEntity.created(URI.create("/v1/models/" + view.id())).body(view);
  }

  @GetMapping
  PageView<ModelView> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
    Paging paging = Paging.of(page, size);
    Page<Model> result = models.list(paging.page(), paging.size());
    return new PageView<>(
        result.map(ModelView::of).getContent(), paging.page(), paging.size(), result.getTotalElements());
  }

  @GetMapping("/{id}")
  ModelView get(@PathVariable long id) {
    return ModelView.of(models.get(id));
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(@PathVariable long id) {
    models.delete(id);
    return ResponseEntity.noContent().build();
  }
}
