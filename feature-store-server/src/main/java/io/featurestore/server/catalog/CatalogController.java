package io.featurestore.server.catalog;

import io.featurestore.server.catalog.FeatureSetRequests.Create;
import io.featurestore.server.catalog.FeatureSetRequests.CreateVersion;
import io.featurestore.server.catalog.FeatureSetRequests.Update;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** REST for feature sets and versions; errors are mapped by {@code system.ProblemResponses}. */
@RestController
@RequestMapping("/api/v1/feature-sets")
class CatalogController {
  private final CatalogService catalog;

  CatalogController(CatalogService catalog) {
    this.catalog = catalog;
  }

  @PostMapping
  ResponseEntity<FeatureSet> create(@RequestBody Create request) {
    FeatureSet created = catalog.create(request);
    return ResponseEntity.created(URI.create("/api/v1/feature-sets/" + created.name())).body(created);
  }

  @GetMapping
  Page<FeatureSet> list(
      @RequestParam(required = false) String owner,
      @RequestParam(required = false) String tag,
      @RequestParam(required = false) String pageToken,
      @RequestParam(defaultValue = "100") int pageSize) {
    return catalog.list(owner, tag, pageToken, pageSize);
  }

  @GetMapping("/{name}")
  FeatureSet get(@PathVariable String name) {
    return catalog.get(name);
  }

  @PatchMapping("/{name}")
  FeatureSet update(@PathVariable String name, @RequestBody Update request) {
    return catalog.update(name, request);
  }

  @DeleteMapping("/{name}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(@PathVariable String name) {
    catalog.delete(name);
  }

  @PostMapping("/{name}/versions")
  ResponseEntity<FeatureSetVersion> createVersion(@PathVariable String name, @RequestBody CreateVersion request) {
    FeatureSetVersion created = catalog.createVersion(name, request);
    return ResponseEntity.created(URI.create("/api/v1/feature-sets/" + name + "/versions/" + created.version()))
        .body(created);
  }

  @GetMapping("/{name}/versions")
  List<FeatureSetVersion> versions(@PathVariable String name) {
    return catalog.versions(name);
  }

  /** {@code version} is a number or {@code latest}. */
  @GetMapping("/{name}/versions/{version}")
  FeatureSetVersion version(@PathVariable String name, @PathVariable String version) {
    return catalog.version(name, version);
  }

  /** {@code version} is a number only; {@code latest} is refused (400). */
  @DeleteMapping("/{name}/versions/{version}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void deleteVersion(@PathVariable String name, @PathVariable String version) {
    catalog.deleteVersion(name, version);
  }
}
