//! Classifying the values of a result: a metric or info value becomes a column cell, and
//! `total_epochs` and the metric lists are checked before their values are copied.

use tnb_pickle::{Arena, Kind, Number, Ref, Value};

use super::keys::type_name;
use crate::column::Cell;
use crate::error::Error;
use crate::generic::GenericBuilder;

/// A metric or info value headed for a column.
pub(super) fn cell<'s>(
    a: &'s Arena<'_>,
    g: &mut GenericBuilder,
    r: Ref,
    path: &dyn Fn() -> String,
) -> Result<Cell<'s>, Error> {
    Ok(match a.get(r) {
        Value::None => Cell::None,
        Value::Bool(b) => Cell::Bool(b),
        Value::Int(i) => Cell::Int(i),
        Value::Float(f) => Cell::Float(f),
        Value::Str(s) => Cell::Str(s),
        Value::Scalar(s) => match s.number() {
            Number::Bool(b) => Cell::Bool(b),
            Number::Int(i) => Cell::Int(i),
            Number::Float(f) => Cell::Float(f),
            Number::UInt(_) => Cell::Generic(g.value(a, r, path)?),
        },
        _ => Cell::Generic(g.value(a, r, path)?),
    })
}

pub(super) fn epochs_of(a: &Arena<'_>, te: Ref, path: &dyn Fn() -> String) -> Result<u32, Error> {
    match a.get(te) {
        Value::Int(e) => u32::try_from(e).ok(),
        Value::Scalar(s) => match s.number() {
            Number::Int(e) => u32::try_from(e).ok(),
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| {
        Error::at(
            format!("{}/total_epochs", path()),
            format!("expected a non-negative int, found {}", a.get(te).type_name()),
        )
    })
}

/// Checks that `list` is a list of `epochs` per-epoch values; its values are copied later.
pub(super) fn check_list(
    a: &Arena<'_>,
    list: Ref,
    epochs: u32,
    path: &dyn Fn() -> String,
) -> Result<Ref, Error> {
    let items = match a.get(list) {
        Value::Container(Kind::List, items) => items,
        // The official class hands the list object back (`mode='list'`) and indexes it
        // (`'final'`, an epoch, `get_epoch_status`): a tuple or a tensor would come back as
        // itself, with its own element types and index errors, where the archive's columns
        // give lists of Python numbers.
        Value::Container(Kind::Tuple | Kind::Tensor(_), _) => {
            return Err(Error::at(
                path(),
                format!(
                    "expected a list of per-epoch values, found {}: the official class would \
                     answer with the {0} itself, which tnb does not reproduce (make it a list)",
                    type_name(a, list)
                ),
            ));
        }
        _ => {
            return Err(Error::at(
                path(),
                format!("expected a list of per-epoch values, found {}", type_name(a, list)),
            ));
        }
    };
    if items.len() != epochs as usize {
        return Err(Error::at(
            path(),
            format!("expected {epochs} epochs (total_epochs), found {}", items.len()),
        ));
    }
    Ok(list)
}
