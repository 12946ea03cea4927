//! The one vocabulary for walking a Python object: the reader's dump (a `.pth` or pickle), the
//! archive's dump and `tnb verify` (which compares the two walks) all speak it, so there is one
//! JSON writer path ([`crate::JsonSink`]) and one comparison.

/// The kind of a sequence: JSON writes all of them as arrays, Python keeps them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Seq {
    /// A `list` (and every dimension of a tensor, as `.tolist()` gives it).
    List,
    /// A `tuple`.
    Tuple,
    /// A `set`, in the order the pickle stored it.
    Set,
    /// A `frozenset`, in the order the pickle stored it.
    FrozenSet,
}

/// One step of a walk over a Python object, normalised the way `json.dumps` sees it after
/// numpy scalars and tensors become Python numbers and lists. A mapping's items come as key,
/// value, key, value… and every container is closed by [`Event::End`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Event<'a> {
    /// `None`.
    Null,
    /// A bool.
    Bool(bool),
    /// An int in `i64`.
    Int(i64),
    /// An int above `i64::MAX` (numpy `uint64`).
    UInt(u64),
    /// A float (compare with `to_bits` for exactness: derived `PartialEq` says `NaN != NaN`).
    Float(f64),
    /// A str.
    Str(&'a str),
    /// A bytes value (JSON cannot hold it).
    Bytes(&'a [u8]),
    /// A sequence begins.
    BeginSeq(Seq),
    /// A dict begins.
    BeginMap,
    /// The innermost sequence or dict ends.
    End,
}

impl Event<'_> {
    /// Whether two events are the same value bit for bit: floats by their bits (the sign of
    /// zero and NaN payloads count), ints and floats never equal, sequence kinds apart.
    ///
    /// ```
    /// use tnb_pyjson::Event;
    /// assert!(Event::Float(f64::NAN).same(&Event::Float(f64::NAN)));
    /// assert!(!Event::Float(0.0).same(&Event::Float(-0.0)));
    /// assert!(!Event::Int(1).same(&Event::Float(1.0)));
    /// ```
    pub fn same(&self, other: &Event<'_>) -> bool {
        match (self, other) {
            (Event::Float(a), Event::Float(b)) => a.to_bits() == b.to_bits(),
            (Event::Null, Event::Null) | (Event::BeginMap, Event::BeginMap) => true,
            (Event::End, Event::End) => true,
            (Event::Bool(a), Event::Bool(b)) => a == b,
            (Event::Int(a), Event::Int(b)) => a == b,
            (Event::UInt(a), Event::UInt(b)) => a == b,
            (Event::Str(a), Event::Str(b)) => a == b,
            (Event::Bytes(a), Event::Bytes(b)) => a == b,
            (Event::BeginSeq(a), Event::BeginSeq(b)) => a == b,
            _ => false,
        }
    }
}

impl std::fmt::Display for Event<'_> {
    /// A short description for messages: the value as Python would show it, cut to 60
    /// characters, with control characters escaped.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Event::Null => f.write_str("None"),
            Event::Bool(b) => f.write_str(if *b { "True" } else { "False" }),
            Event::Int(i) => write!(f, "int {i}"),
            Event::UInt(u) => write!(f, "int {u}"),
            Event::Float(x) => {
                let mut b = [0u8; 32];
                let n = crate::float_repr(*x, &mut b);
                let text = std::str::from_utf8(&b[..n]).unwrap_or("?");
                write!(f, "float {text} (bits {:#018x})", x.to_bits())
            }
            Event::Str(s) => {
                let cut: String = s.chars().take(60).flat_map(char::escape_debug).collect();
                let more = if s.chars().count() > 60 { "…" } else { "" };
                write!(f, "str '{cut}{more}'")
            }
            Event::Bytes(b) => write!(f, "bytes of length {}", b.len()),
            Event::BeginSeq(Seq::List) => f.write_str("the start of a list"),
            Event::BeginSeq(Seq::Tuple) => f.write_str("the start of a tuple"),
            Event::BeginSeq(Seq::Set) => f.write_str("the start of a set"),
            Event::BeginSeq(Seq::FrozenSet) => f.write_str("the start of a frozenset"),
            Event::BeginMap => f.write_str("the start of a dict"),
            Event::End => f.write_str("the end of a container"),
        }
    }
}
