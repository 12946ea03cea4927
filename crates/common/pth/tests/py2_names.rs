//! Python 2 module names are what CPython makes of them: renamed (`__builtin__.set` is
//! `builtins.set`) in pickles of protocol 0 to 2 only; from protocol 3 on, `__builtin__` is a
//! module that does not exist, and `torch.load` fails on it, so tnb refuses it.

#[test]
fn builtin_names_are_allowed_only_below_protocol_3() {
    for proto in 0u8..=5 {
        let mut b = vec![0x80, proto];
        b.extend_from_slice(b"c__builtin__\nset\n)R.");
        let r = tnb_pth::load(&b);
        if proto < 3 {
            assert!(r.is_ok(), "protocol {proto}: {:?}", r.err());
        } else {
            let Err(e) = r else { panic!("protocol {proto}: accepted") };
            let e = e.to_string();
            assert!(e.contains("global '__builtin__.set' is not allowed"), "protocol {proto}: {e}");
        }
        // The Python 3 name is the same class under every protocol.
        let mut b = vec![0x80, proto];
        b.extend_from_slice(b"cbuiltins\nset\n)R.");
        assert!(tnb_pth::load(&b).is_ok(), "protocol {proto}");
    }
}
