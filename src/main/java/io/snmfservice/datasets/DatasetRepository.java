package io.snmfservice.datasets;

import org.springframework.data.jpa.repository.JpaRepository;

public interface DatasetRepository extends JpaRepository<Dataset, Long> {

  boolean existsByName(String name);
}
