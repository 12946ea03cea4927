//! The official nasbench.api semantics over an archive: values, exceptions, check order, random draws and budget counters.
#![forbid(unsafe_code)]
