-- TFRecord shards (issue 4): their compression is separate from Parquet's (TensorFlow reads NONE or GZIP).
alter table feature_sets add column tfrecord_compression varchar(16) default 'NONE' not null;
