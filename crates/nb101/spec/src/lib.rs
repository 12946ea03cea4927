//! NAS-Bench-101 model specs: the official pruning, checks and isomorphism-invariant hash_module, a canonical key, and the space's enumeration.
#![forbid(unsafe_code)]
