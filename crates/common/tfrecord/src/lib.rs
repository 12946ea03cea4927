//! Streaming TFRecord framing (length and data CRC-32C checked, lengths never trusted) for untrusted benchmark files.
#![forbid(unsafe_code)]
