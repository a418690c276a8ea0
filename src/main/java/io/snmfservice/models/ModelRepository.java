package io.snmfservice.models;

import org.springframework.data.jpa.repository.JpaRepository;

public interface ModelRepository extends JpaRepository<Model, Long> {

  boolean existsByName(String name);
}
