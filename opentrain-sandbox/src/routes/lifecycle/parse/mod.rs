//! The draft "parser" and validator. One idea per file: `text.rs` reads a plain-text
//! description (head count, price, languages, data volume), `import.rs` maps the structured
//! import formats (canonical JSON, JSON-LD, XML), `patch.rs` checks a PATCH body, `report.rs`
//! computes the validation report (`missingFields`, `publishReady`) and the draft envelope, and
//! `vocab.rs` holds the keys and canonical enum values they share (the enum values come from
//! the generated open enums).

mod import;
mod patch;
mod report;
mod text;
mod vocab;

pub(crate) use import::{Imported, import_canonical, import_json_ld, import_xml};
pub(crate) use patch::{apply, check_patch};
pub(crate) use report::{envelope, validation};
pub(crate) use text::parse_text;
pub(crate) use vocab::{
    DATA_VOLUME_UNITS, EXPERIENCE_LEVELS, PAYMENT_TYPES, UPDATE_KEYS, bid_for, experience_label,
};
