//! Decodes and encodes one NAS-Bench-101 record: the JSON 5-list, its base64 and the ModelMetrics protobuf, strictly.
#![forbid(unsafe_code)]
