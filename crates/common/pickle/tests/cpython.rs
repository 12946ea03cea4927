//! Differential tests against CPython itself: many pickles (a table of edge cases, random
//! lines for every text opcode, random short programs over the stack opcodes) are unpickled by
//! the machine's plain `python3` with `pickle.loads(data, encoding='utf-8')` (the C unpickler,
//! with the encoding `torch.load` passes) and by tnb-pickle, and the outcomes compared: the same
//! value (floats bit for bit, ints exactly, sets as sets), or an error on both sides. The only
//! values tnb may refuse where CPython succeeds are marked by the oracle with `!` (a string with
//! a lone surrogate, which a Rust string cannot hold; a recursive structure; a non-data object;
//! an int beyond 64 bits as a dict key or set element, which tnb does not hash).

use std::io::Write;
use std::process::{Command, Stdio};

use tnb_pickle::{Arena, Hooks, Kind, Limits, PlainData, Ref, Value, parse};
use tnb_testrng::TestRng;

/// Canonical text of a value, written the same way by both sides.
const ORACLE: &str = r#"
import sys, pickle, struct
def canon(v):
    if v is None: return 'N'
    if v is True: return 'T'
    if v is False: return 'F'
    t = type(v)
    if t is int: return 'i' + ('-' if v < 0 else '') + '%x' % abs(v)
    if t is float: return 'f%016x' % struct.unpack('<Q', struct.pack('<d', v))[0]
    if t is str:
        try: return 's' + v.encode('utf-8').hex()
        except UnicodeEncodeError: return '!surrogate'
    if t is bytes: return 'b' + v.hex()
    if t is tuple: return '(' + ','.join(canon(x) for x in v) + ')'
    if t is list: return '[' + ','.join(canon(x) for x in v) + ']'
    if t is dict: return '{' + ','.join(key(k) + ':' + canon(x) for k, x in v.items()) + '}'
    if t is set: return '<' + ','.join(sorted(key(x) for x in v)) + '>'
    if t is frozenset: return '<<' + ','.join(sorted(key(x) for x in v)) + '>'
    return '!' + t.__name__
def key(k):
    # tnb refuses ints beyond 64 bits as keys and set elements.
    big = type(k) is int and not -2**63 <= k < 2**63
    return canon(k) + ('!bigkey' if big else '')
sys.setrecursionlimit(200)
out = []
for line in sys.stdin:
    data = bytes.fromhex(line.strip())
    try:
        v = pickle.loads(data, encoding='utf-8')
    except Exception:
        out.append('error')
        continue
    try:
        out.append(canon(v))
    except RecursionError:
        out.append('!recursive')
sys.stdout.write('\n'.join(out) + '\n')
"#;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A two's complement little-endian int as sign and hex magnitude.
fn big_hex(le: &[u8]) -> String {
    let neg = le.last().is_some_and(|&b| b & 0x80 != 0);
    let mut mag = le.to_vec();
    if neg {
        let mut carry = true;
        for b in mag.iter_mut() {
            let (v, c) = (!*b).overflowing_add(u8::from(carry));
            *b = v;
            carry = c;
        }
    }
    while mag.len() > 1 && mag.last() == Some(&0) {
        mag.pop();
    }
    let mut s: String = mag.iter().rev().map(|x| format!("{x:02x}")).collect();
    while s.len() > 1 && s.starts_with('0') {
        s.remove(0);
    }
    format!("i{}{s}", if neg { "-" } else { "" })
}

fn canon(a: &Arena<'_>, r: Ref) -> String {
    match a.get(r) {
        Value::None => "N".into(),
        Value::Bool(b) => if b { "T" } else { "F" }.into(),
        Value::Int(i) => {
            let i = i128::from(i);
            format!("i{}{:x}", if i < 0 { "-" } else { "" }, i.abs())
        }
        Value::Float(f) => format!("f{:016x}", f.to_bits()),
        Value::Str(s) => format!("s{}", hex(s.as_bytes())),
        Value::Bytes(b) => format!("b{}", hex(b)),
        Value::BigInt(b) => big_hex(b),
        Value::Container(Kind::Dict, c) => {
            let items: Vec<String> =
                c.pairs().map(|(k, v)| format!("{}:{}", canon(a, k), canon(a, v))).collect();
            format!("{{{}}}", items.join(","))
        }
        Value::Container(k, c) => {
            let mut items: Vec<String> = c.iter().map(|x| canon(a, x)).collect();
            let (o, e) = match k {
                Kind::Tuple => ("(", ")"),
                Kind::List => ("[", "]"),
                Kind::Set => ("<", ">"),
                _ => ("<<", ">"),
            };
            if matches!(k, Kind::Set | Kind::FrozenSet) {
                items.sort();
            }
            format!("{o}{}{e}", items.join(","))
        }
        _ => "!object".into(),
    }
}

fn tnb_with(data: &[u8], hooks: &mut dyn Hooks) -> String {
    match parse(data, hooks, &Limits::default()) {
        Ok(p) => canon(&p.arena, p.root),
        Err(_) => "error".into(),
    }
}

/// Runs the oracle over all `cases` in one python3 process.
fn cpython(cases: &[Vec<u8>]) -> Vec<String> {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(ORACLE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is required by these tests (plain CPython, no packages)");
    let mut stdin = child.stdin.take().expect("stdin");
    let input: String = cases.iter().map(|c| hex(c) + "\n").collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("python3");
    writer.join().expect("writer").expect("writing to python3");
    assert!(out.status.success(), "python3 failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("ascii");
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), cases.len(), "one answer per case");
    lines
}

/// Compares every case; panics listing the first disagreements.
fn compare(cases: &[Vec<u8>]) {
    compare_with(cases, &mut PlainData);
}

fn compare_with(cases: &[Vec<u8>], hooks: &mut dyn Hooks) {
    compare_refusing(cases, &vec![false; cases.len()], hooks);
}

/// Like [`compare`], where tnb may also refuse the cases marked in `may_refuse` (they use an
/// opcode tnb refuses); when it gives a value, the value must still be CPython's.
fn compare_refusing(cases: &[Vec<u8>], may_refuse: &[bool], hooks: &mut dyn Hooks) {
    let want = cpython(cases);
    let mut bad = Vec::new();
    for ((case, want), &refusable) in cases.iter().zip(&want).zip(may_refuse) {
        let got = tnb_with(case, hooks);
        let ok = got == *want || (got == "error" && (refusable || want.contains('!')));
        if !ok {
            bad.push(format!(
                "{} {:?}: cpython {want}, tnb {got}",
                hex(case),
                String::from_utf8_lossy(case)
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} cases differ:\n{}",
        bad.len(),
        cases.len(),
        bad[..bad.len().min(30)].join("\n")
    );
}

/// A protocol-0 pickle of one text opcode whose argument is `line`.
fn text_op(op: u8, line: &[u8]) -> Vec<u8> {
    let mut v = vec![op];
    v.extend_from_slice(line);
    v.extend_from_slice(b"\n.");
    v
}

fn random_line(rng: &mut TestRng, alphabet: &[&[u8]], max: usize) -> Vec<u8> {
    let n = rng.below(max + 1);
    let mut v = Vec::new();
    for _ in 0..n {
        v.extend_from_slice(alphabet[rng.below(alphabet.len())]);
    }
    v
}

#[test]
fn text_opcode_table_matches_cpython() {
    let ints: &[&[u8]] = &[
        b"0",
        b"1",
        b"00",
        b"01",
        b"02",
        b"10",
        b"010",
        b"-010",
        b"+010",
        b" 010",
        b"08",
        b"0x10",
        b"0X1f",
        b"-0x10",
        b"0x",
        b"0xg",
        b"0o17",
        b"0b101",
        b"0b",
        b"1_000",
        b"1__0",
        b"_1",
        b"1_",
        b"0_0",
        b"0_10",
        b"0x_1",
        b"-0",
        b"+1",
        b" 1",
        b"1 ",
        b" 1 ",
        b"\t1",
        b"1\r",
        b"01\r",
        b"00\r",
        b"\x0b7",
        b"\x00",
        b"\x00\x00",
        b"1\x00x",
        b"\x001",
        b"",
        b" ",
        b"-",
        b"+",
        b"- 1",
        b"1L",
        b"9223372036854775807",
        b"9223372036854775808",
        b"-9223372036854775808",
        b"-9223372036854775809",
        b"0777777777777777777777",
        b"0x7fffffffffffffff",
        b"0x8000000000000000",
        b"0xffffffffffffffffffff",
        b"99999999999999999999999999999999",
        b"1e3",
        b"1.0",
        b"\xe9",
        b"\xd9\xa3",
    ];
    let floats: &[&[u8]] = &[
        b"0",
        b"1.5",
        b"-1.5",
        b"+1.5",
        b".5",
        b"5.",
        b"-.5",
        b".",
        b"1e5",
        b"1E+5",
        b"1e-5",
        b"1e",
        b"1e+",
        b"1.5e3x",
        b"inf",
        b"-inf",
        b"+inf",
        b"Infinity",
        b"-INFINITY",
        b"infinit",
        b"nan",
        b"-nan",
        b"+nan",
        b"NaN",
        b"nan(1)",
        b"1e999",
        b"-1e999",
        b"1e-999",
        b"-1e-999",
        b"1.7976931348623157e308",
        b"1.7976931348623159e308",
        b"4.9e-324",
        b"2.4e-324",
        b"2.5e-324",
        b" 1",
        b"1 ",
        b"1\r",
        b"1\x00x",
        b"\x00",
        b"",
        b"1_0",
        b"0x1p3",
        b"1,5",
        b"0e99999999999999999999",
        b"1e-99999999999999999999",
        b"1e99999999999999999999",
        b"0.1000000000000000055511151231257827021181583404541015625",
        b"123456789012345678901234567890e-10",
        b"\xe9",
    ];
    let strings: &[&[u8]] = &[
        b"''",
        b"\"\"",
        b"'a'",
        b"\"a\"",
        b"'a\"",
        b"'",
        b"a",
        b"'a'\r",
        b"'a' ",
        b"'\\n\\t\\r'",
        b"'\\a\\b\\f\\v'",
        b"'\\x41'",
        b"'\\x4'",
        b"'\\x+4'",
        b"'\\xg1'",
        b"'\\101'",
        b"'\\1011'",
        b"'\\777'",
        b"'\\08'",
        b"'\\q'",
        b"'\\'",
        b"'\\\\'",
        b"'\\''",
        b"'\\\"'",
        b"'a'b'",
        b"'\xc3\xa9'",
        b"'\xe9'",
        b"'\\xc3\\xa9'",
        b"'\\xe9'",
        b"'\\x00'",
        b"'\x00'",
        b"'\\\r'",
    ];
    let unicode: &[&[u8]] = &[
        b"",
        b"a",
        b"\xe9",
        b"\\u0041",
        b"\\\\u0041",
        b"\\\\\\u0041",
        b"\\\\\\\\u0041",
        b"\\U0001f600",
        b"\\U00110000",
        b"\\ud800",
        b"\\u004",
        b"\\u+041",
        b"\\u 041",
        b"\\x41",
        b"\\",
        b"\\\\",
        b"\\n",
        b"a\r",
        b"\x00",
        b"\\u00e9\\U000000e9",
        b"\\U0000004",
        b"\\uD83D\\uDE00",
    ];
    let mut cases = Vec::new();
    for (op, table) in [(b'I', ints), (b'L', ints), (b'F', floats), (b'S', strings)] {
        cases.extend(table.iter().map(|l| text_op(op, l)));
    }
    cases.extend(unicode.iter().map(|l| text_op(b'V', l)));
    for id in ints {
        // PUT then GET of the same id, both as text.
        let mut c = b"Np".to_vec();
        c.extend_from_slice(id);
        c.extend_from_slice(b"\n0g");
        c.extend_from_slice(id);
        c.extend_from_slice(b"\n.");
        cases.push(c);
    }
    compare(&cases);
}

#[test]
fn random_text_opcodes_match_cpython() {
    let num: &[&[u8]] = &[
        b"0", b"0", b"1", b"7", b"8", b"9", b"3", b"0", b"-", b"+", b"_", b" ", b"x", b"X", b"o",
        b"b", b"a", b"f", b"L", b"\t", b"\r", b"\x00", b".", b"e",
    ];
    let flt: &[&[u8]] = &[
        b"0", b"1", b"5", b"9", b"0", b"1", b".", b"e", b"E", b"-", b"+", b"_", b" ", b"i", b"n",
        b"f", b"a", b"N", b"I", b"inf", b"nan", b"ity", b"\x00", b"\r", b"e308", b"e-324",
    ];
    let quoted: &[&[u8]] = &[
        b"'", b"\"", b"\\", b"\\", b"a", b"x", b"0", b"7", b"4", b"f", b"g", b"n", b"u", b"\r",
        b"\x00", b"\xc3", b"\xa9", b"\xe9", b" ",
    ];
    let raw: &[&[u8]] = &[
        b"\\", b"\\", b"\\", b"u", b"U", b"0", b"0", b"0", b"1", b"d", b"8", b"f", b"F", b"g",
        b"+", b"a", b"\xe9", b"\r", b"\x00", b"\\u00", b"\\U000",
    ];
    let mut rng = TestRng::new(16);
    let mut cases = Vec::new();
    for _ in 0..4000 {
        cases.push(text_op(b'I', &random_line(&mut rng, num, 8)));
        cases.push(text_op(b'L', &random_line(&mut rng, num, 8)));
        cases.push(text_op(b'F', &random_line(&mut rng, flt, 8)));
        let mut s = random_line(&mut rng, quoted, 8);
        if rng.below(2) == 0 {
            let q = if rng.below(2) == 0 { b'\'' } else { b'"' };
            s.insert(0, q);
            s.push(q);
        }
        cases.push(text_op(b'S', &s));
        cases.push(text_op(b'V', &random_line(&mut rng, raw, 12)));
        let id = random_line(&mut rng, num, 4);
        let mut c = b"Np".to_vec();
        c.extend_from_slice(&id);
        c.extend_from_slice(b"\n0g0\n.");
        cases.push(c);
    }
    // Numbers near the edges of 64 bits, in each notation strtol and int() know.
    for _ in 0..2000 {
        let v = rng.next_u64() >> rng.below(64);
        let neg = rng.below(2) == 0;
        let sign = if neg { "-" } else { ["", "+"][rng.below(2)] };
        let text = match rng.below(4) {
            0 => format!("{sign}{v}"),
            1 => format!("{sign}0x{v:x}"),
            2 => format!("{sign}0{v:o}"),
            _ => format!("{sign}0o{v:o}"),
        };
        cases.push(text_op(b'I', text.as_bytes()));
        cases.push(text_op(b'L', format!("{text}L").as_bytes()));
        let f = f64::from_bits(rng.next_u64());
        cases.push(text_op(b'F', format!("{f:e}").as_bytes()));
        cases.push(text_op(b'F', format!("{f:?}").as_bytes()));
    }
    compare(&cases);
}

#[test]
fn random_stack_programs_match_cpython() {
    // Opcodes that move values between the stack, the marks, the memo and containers.
    let ops: &[&[u8]] = &[
        b"(",
        b"(",
        b")",
        b"]",
        b"}",
        b"\x8f",
        b"N",
        b"\x88",
        b"\x89",
        b"K\x01",
        b"K\x02",
        b"I01\n",
        b"F1.0\n",
        b"a",
        b"e",
        b"s",
        b"u",
        b"\x90",
        b"\x91",
        b"t",
        b"l",
        b"d",
        b"\x85",
        b"\x86",
        b"\x87",
        b"0",
        b"1",
        b"2",
        b"q\x00",
        b"q\x01",
        b"h\x00",
        b"h\x01",
        b"\x94",
        b"X\x01\x00\x00\x00k",
        b"\x8c\x01j",
        b"C\x01b",
        b"\x8a\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01",
        b"p0\n",
        b"g0\n",
        b"G\x7f\xf8\x00\x00\x00\x00\x00\x01",
        b"\x80\x02",
        b"\x80\x04",
        b"U\x01k",
        b"U\x01\xe9",
        b"T\x01\x00\x00\x00k",
        b"V\\u00e9\n",
        b"S'a'\n",
        b"L5L\n",
        b"\x8a\x00",
        b"J\xff\xff\xff\xff",
        b"M\xff\xff",
        b"\x96\x01\x00\x00\x00\x00\x00\x00\x00b",
        b"\x98",
        b"\x97",
        b"cbuiltins\nset\n",
        b"R",
        b"\x81",
        b"b",
    ];
    // tnb refuses these (a bytearray, buffers, code): CPython may not, when their value is
    // dropped before the end. Nor does tnb hash ints beyond 64 bits (inside a tuple key too).
    let refused = |op: &[u8]| matches!(op[0], 0x96 | 0x97 | 0x98 | b'c' | b'R' | 0x81 | b'b');
    let big = |op: &[u8]| op.len() == 11 && op[0] == 0x8a;
    let hashes = |op: &[u8]| matches!(op, b"s" | b"u" | b"d" | b"\x90" | b"\x91");
    let mut rng = TestRng::new(1616);
    let mut cases = Vec::new();
    let mut may_refuse = Vec::new();
    for _ in 0..20000 {
        let mut c = Vec::new();
        let (mut refusable, mut has_big, mut has_hash) = (false, false, false);
        for _ in 0..1 + rng.below(14) {
            let op = ops[rng.below(ops.len())];
            refusable |= refused(op);
            has_big |= big(op);
            has_hash |= hashes(op);
            c.extend_from_slice(op);
        }
        refusable |= has_big && has_hash;
        c.push(b'.');
        cases.push(c);
        may_refuse.push(refusable);
    }
    compare_refusing(&cases, &may_refuse, &mut PlainData);
}

/// Allows `builtins.set` only, and makes the empty set it is called with.
struct SetOnly;

impl Hooks for SetOnly {
    fn find_class(&mut self, module: &str, name: &str) -> Option<u32> {
        ((module, name) == ("builtins", "set")).then_some(0)
    }

    fn call(&mut self, arena: &mut Arena<'_>, _class: u32, _args: Ref) -> Result<Ref, String> {
        arena.push_container(Kind::Set, &[]).map_err(|e| e.to_string())
    }
}

#[test]
fn python_2_names_are_renamed_only_below_protocol_3() {
    let global = b"c__builtin__\nset\n";
    let stack_global = b"\x8c\x0b__builtin__\x8c\x03set\x93";
    let modern = b"cbuiltins\nset\n";
    let mut cases = Vec::new();
    for protos in [&[][..], &[0], &[1], &[2], &[3], &[4], &[5], &[2, 3], &[3, 2]] {
        for name in [&global[..], stack_global, modern] {
            let mut c = Vec::new();
            for &p in protos {
                c.extend_from_slice(&[0x80, p]);
            }
            c.extend_from_slice(name);
            c.extend_from_slice(b")R.");
            cases.push(c);
        }
    }
    compare_with(&cases, &mut SetOnly);
}
