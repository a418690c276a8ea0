package io.snmfservice.activations;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ActivationSetRepository extends JpaRepository<ActivationSet, Long> {

  Optional<ActivationSet> findByModelIdAndDatasetIdAndLayerAndHookAndContextLength(
      long modelId, long datasetId, int layer, String hook, int contextLength);

  List<ActivationSet> findByModelIdAndDatasetId(long modelId, long datasetId);

  boolean existsByModelId(long modelId);

  boolean existsByDatasetId(long datasetId);
}
