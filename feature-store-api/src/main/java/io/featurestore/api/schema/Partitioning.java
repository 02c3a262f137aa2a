package io.featurestore.api.schema;

/** How shards of a snapshot are grouped. */
public enum Partitioning {
  /** Shards hold rows of any event time. */
  NONE,
  /** Each shard holds rows of one UTC event date, under a {@code event_date=YYYY-MM-DD/} key prefix. */
  EVENT_DATE
}
