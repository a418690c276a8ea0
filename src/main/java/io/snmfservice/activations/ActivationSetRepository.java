package io.snmfservice.activations;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface ActivationSetRepository extends JpaRepository<ActivationSet, Long> {

  Optional<ActivationSet> findByModelIdAndDatasetIdAndLayerAndHookAndContextLength(
      long modelId, long datasetId, int layer, String hook, int contextLength);

  /** Sets of a model and/or dataset (null matches any), oldest first. */
  @Query("SELECT s FROM ActivationSet s WHERE (:modelId IS NULL OR s.modelId = :modelId)"
      + " AND (:datasetId IS NULL OR s.datasetId = :datasetId) ORDER BY s.id")
  List<ActivationSet> find(@Param("modelId") Long modelId, @Param("datasetId") Long datasetId);

}
