//! Lenient decoding: a JSON `null` where the spec makes a field optional decodes as absent.
//!
//! typify generates an optional array (or map) as a plain `Vec` (or `Map`) with
//! `#[serde(default)]`, so an omitted field decodes to an empty one but an explicit `null`
//! fails the whole response. The build step gives every such field of every generated type
//! `deserialize_with = "crate::lenient::null_as_default"` (no hand list), so a server that
//! writes `null` for an empty list costs the user nothing. Optional scalars and objects are
//! `Option`s already, where `null` is `None`.
//!
//! The error envelope goes further ([`invalid_as_default`]): a `details` key of a shape the
//! spec does not expect reads as absent, so the envelope itself always decodes.

use serde::{Deserialize, Deserializer};

/// Decodes `null` as `T::default()` (an empty list or map), anything else as `T`.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Decodes a value of an unexpected shape as `T::default()` (`None`, an empty list): for the
/// keys of the error envelope's `details`, whose types the docs mostly leave unstated, so that
/// one oddly shaped key never costs the caller the envelope's `code` and `reason`.
pub fn invalid_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Holder {
        #[serde(default, deserialize_with = "super::null_as_default")]
        items: Vec<u32>,
    }

    #[test]
    fn null_missing_and_present_all_decode() {
        let decode = |s: &str| serde_json::from_str::<Holder>(s).unwrap().items;
        assert_eq!(decode(r#"{"items": null}"#), Vec::<u32>::new());
        assert_eq!(decode("{}"), Vec::<u32>::new());
        assert_eq!(decode(r#"{"items": [1, 2]}"#), vec![1, 2]);
        assert!(serde_json::from_str::<Holder>(r#"{"items": "x"}"#).is_err());
    }
}
