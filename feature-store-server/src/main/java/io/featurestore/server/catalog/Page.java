package io.featurestore.server.catalog;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items the page's items
 * @param nextPageToken pass as {@code pageToken} to get the next page; null on the last page
 */
public record Page<T>(List<T> items, String nextPageToken) {
  public Page {
    items = List.copyOf(items);
  }
}
