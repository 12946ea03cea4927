//! Running out of memory while reading a pickle is an error, never an abort: the test runs
//! itself again under an address-space limit (`ulimit -v`, as a user would) with the reader's
//! own limits lifted, so that the allocation fails first, and expects the error.

use std::process::Command;

use tnb_pickle::{ErrorKind, Limits, PlainData, parse};

/// Marks the child run (the one under the address-space limit).
const CHILD: &str = "TNB_PICKLE_OOM_CHILD";

#[test]
fn a_failed_allocation_is_an_error_not_an_abort() {
    if std::env::var_os(CHILD).is_some() {
        // 60 million DUPs need a 240 MB stack; the child may use 300 MB in all.
        let mut b = b"\x80\x02(N".to_vec();
        b.resize(b.len() + 60_000_000, b'2');
        b.extend_from_slice(b"l.");
        let limits = Limits { max_stack: u64::MAX, max_items: u64::MAX, ..Limits::default() };
        let e = parse(&b, &mut PlainData, &limits).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfMemory, "{e}");
        println!("child error: {e}");
        return;
    }
    let exe = std::env::current_exe().expect("test binary");
    let out = Command::new("sh")
        .arg("-c")
        .arg(
            "ulimit -v 300000 && exec \"$0\" --exact a_failed_allocation_is_an_error_not_an_abort \
             --nocapture --test-threads 1",
        )
        .arg(&exe)
        .env(CHILD, "1")
        .output()
        .expect("sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the child failed ({:?}): {stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("child error: byte "), "{stdout}");
    assert!(stdout.contains("out of memory while reading the pickle"), "{stdout}");
}
