//! `tnb_store::archived::arch_name`, the unchecked-copy path `tnb-api` uses when it walks an
//! archive: it must give exactly the names the store gives, and an index at or past the arch
//! count is `ArchIndex`, never the last arch's name or an empty one.

use tnb_store::{QueryError, Store, archived};

fn small() -> Store {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../data/transnas_small.pth");
    Store::copy_from(&tnb_convert::convert_bytes(&std::fs::read(path).unwrap()).unwrap()).unwrap()
}

#[test]
fn every_arch_name_read_from_the_archive_is_the_store_s() {
    let s = small();
    let b = s.archive().unwrap();
    let mut count = 0;
    for a in s.archs() {
        let name = archived::arch_name(b, a.index()).unwrap();
        assert_eq!(name, s.arch_name(a).unwrap());
        assert!(!name.is_empty());
        count += 1;
    }
    // The first and the last, by their known names.
    assert_eq!(archived::arch_name(b, 0).unwrap(), s.arch_name(s.arch_at(0).unwrap()).unwrap());
    assert_eq!(count, s.len());
}

#[test]
fn an_index_at_or_past_the_arch_count_is_an_index_error() {
    let s = small();
    let b = s.archive().unwrap();
    let n = s.len();
    assert!(archived::arch_name(b, n - 1).is_ok());
    assert_eq!(archived::arch_name(b, n), Err(QueryError::ArchIndex(n as i64)));
    assert_eq!(archived::arch_name(b, n + 1), Err(QueryError::ArchIndex(n as i64 + 1)));
}
