//! Comparing an archive with its source, value by value.

use tnb_pickle::{Arena, Children, Kind, Number, Ref, Value};
use tnb_pth::Document;
use tnb_store::{Event, Store, WalkError};

/// The source object as the same normalised events the store's walk produces.
struct SourceEvents<'a, 'd> {
    a: &'d Arena<'a>,
    /// Open containers: children and the next one to visit; `is_map` for path names.
    stack: Vec<(Children<'d>, usize, bool)>,
    pending: Option<Ref>,
}

impl<'a, 'd> SourceEvents<'a, 'd> {
    fn next(&mut self) -> Option<Result<Event<'d>, String>> {
        let r = match self.pending.take() {
            Some(r) => r,
            None => {
                let top = self.stack.last_mut()?;
                match top.0.get(top.1) {
                    Some(r) => {
                        top.1 += 1;
                        r
                    }
                    None => {
                        self.stack.pop();
                        return Some(Ok(Event::End));
                    }
                }
            }
        };
        Some(Ok(match self.a.get(r) {
            Value::None => Event::Null,
            Value::Bool(b) => Event::Bool(b),
            Value::Int(i) => Event::Int(i),
            Value::Float(f) => Event::Float(f),
            Value::Scalar(s) => match s.number() {
                Number::Bool(b) => Event::Bool(b),
                Number::Int(i) => Event::Int(i),
                Number::UInt(u) => Event::UInt(u),
                Number::Float(f) => Event::Float(f),
            },
            Value::Str(s) => Event::Str(s),
            Value::Bytes(b) => Event::Bytes(b),
            Value::Container(k, items) => {
                self.stack.push((items, 0, k == Kind::Dict));
                if k == Kind::Dict { Event::BeginMap } else { Event::BeginSeq }
            }
            other => {
                return Some(Err(format!(
                    "the source holds a {} that cannot be archived",
                    other.type_name()
                )));
            }
        }))
    }

    /// Where the walk is, as an object path (`data/micro/…/metrics/valid_top1[3]`).
    fn path(&self) -> String {
        let mut p = String::new();
        for &(items, next, is_map) in &self.stack {
            let i = next.saturating_sub(1);
            if is_map {
                let k = items
                    .get(i & !1)
                    .map(|k| crate::generic::key_text(self.a, k))
                    .unwrap_or_default();
                if !p.is_empty() {
                    p.push('/');
                }
                p.push_str(&k);
            } else {
                p.push_str(&format!("[{i}]"));
            }
        }
        p
    }
}

fn same(x: &Event<'_>, y: &Event<'_>) -> bool {
    match (x, y) {
        // Bit for bit: NaN payloads and the sign of zero count.
        (Event::Float(a), Event::Float(b)) => a.to_bits() == b.to_bits(),
        _ => x == y,
    }
}

/// Checks that `store` holds exactly `source`'s object: same structure, same key order, same
/// values (floats compared bit for bit, ints and floats kept apart). `Err` names the first
/// difference by its object path.
pub fn compare<B: AsRef<[u8]>>(store: &Store<B>, source: &Document<'_>) -> Result<(), String> {
    let mut src = SourceEvents {
        a: &source.pickle.arena,
        stack: Vec::new(),
        pending: Some(source.pickle.root),
    };
    let mut count: u64 = 0;
    let r = store.walk(&mut |e: Event<'_>| -> Result<(), String> {
        count += 1;
        match src.next() {
            Some(Ok(s)) if same(&s, &e) => Ok(()),
            Some(Ok(s)) => Err(format!("{}: the source has {s:?}, the archive {e:?}", src.path())),
            Some(Err(m)) => Err(format!("{}: {m}", src.path())),
            None => Err(format!("the archive has more than the source ({e:?} after the end)")),
        }
    });
    match r {
        Ok(()) => {}
        Err(WalkError::Sink(m)) => return Err(m),
        Err(WalkError::Query(q)) => return Err(format!("the archive cannot be walked: {q}")),
    }
    match src.next() {
        None => Ok(()),
        Some(_) => Err(format!(
            "{}: the source has more than the archive ({count} values compared)",
            src.path()
        )),
    }
}
