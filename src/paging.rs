//! What every paged listing shares so that it always ends and stays small: a page's item cap applied while
//! it is decoded, and a guard that stops a listing whose links loop or whose pages stop adding anything.

use crate::call::Call;
use crate::error::{Error, ErrorKind};
use crate::pipeline::{Response, Unreadable};
use serde::de::{DeserializeOwned, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::HashSet;
use std::fmt;
use std::hash::BuildHasher;
use std::marker::PhantomData;
use url::Url;

/// The words a capped page's decoding error starts with, so that [`read_capped`] can tell it from a body
/// that is merely not JSON.
const OVER_CAP: &str = "more than";

/// A JSON array decoded into a `Vec` of at most `N` items: the decoding stops at item `N + 1`, so a page of
/// millions of `{}` costs `N` items of memory, not millions.
#[derive(Debug)]
pub(crate) struct CappedVec<T, const N: usize>(Vec<T>);

impl<T, const N: usize> CappedVec<T, N> {
    pub fn into_inner(self) -> Vec<T> {
        self.0
    }
}

impl<T, const N: usize> Default for CappedVec<T, N> {
    fn default() -> Self {
        CappedVec(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>, const N: usize> Deserialize<'de> for CappedVec<T, N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Capped<T, const N: usize>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const N: usize> Visitor<'de> for Capped<T, N> {
            type Value = CappedVec<T, N>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(f, "an array of at most {N} items")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(N).min(1024));
                while let Some(item) = seq.next_element()? {
                    if items.len() == N {
                        return Err(serde::de::Error::custom(format!(
                            "{OVER_CAP} {N} items in one page (the documented page size is far smaller); not reading further"
                        )));
                    }
                    items.push(item);
                }
                Ok(CappedVec(items))
            }
        }
        deserializer.deserialize_seq(Capped::<T, N>(PhantomData))
    }
}

/// [`Call::execute`]'s reader for a page holding a [`CappedVec`]: a page over its cap is refused at
/// once (the same request would get the same page), anything else unreadable is worth a retry.
pub(crate) fn read_capped<T: DeserializeOwned>(resp: &Response) -> Result<T, Unreadable> {
    serde_json::from_slice(&resp.body).map_err(|e| {
        let text = e.to_string();
        if text.starts_with(OVER_CAP) {
            Unreadable::Refuse(text)
        } else {
            Unreadable::Retry(format!("not the expected JSON ({text})"))
        }
    })
}

/// Watches one listing: every URL it requests and every item id it has seen.
pub(crate) struct ListingGuard {
    service: &'static str,
    visited: HashSet<String>,
    /// Item ids seen so far, as 128-bit keys (a GUID as itself, anything else hashed), to keep 100,000
    /// customers in a couple of megabytes.
    seen: HashSet<u128>,
    hasher: std::collections::hash_map::RandomState,
    pages: u64,
}

impl ListingGuard {
    pub fn new(service: &'static str) -> ListingGuard {
        ListingGuard {
            service,
            visited: HashSet::new(),
            seen: HashSet::new(),
            hasher: Default::default(),
            pages: 0,
        }
    }

    /// Before requesting `url`: refuse a URL this listing already requested (a link that loops back).
    pub fn visit(&mut self, url: &Url) -> Result<(), String> {
        self.pages += 1;
        if self.visited.insert(url.as_str().to_string()) {
            Ok(())
        } else {
            Err(format!(
                "{} returned a next-page link it had already returned (page {}): the listing would never end, so it was stopped",
                self.service, self.pages
            ))
        }
    }

    /// How many of a page's item ids were not seen before. An item without an id counts as new (nothing
    /// tells it apart), so that the cap on a page's items, not this, bounds a page of anonymous items.
    pub fn count_new<'a>(&mut self, ids: impl Iterator<Item = Option<&'a str>>) -> usize {
        let mut new = 0;
        for id in ids {
            let key = match id {
                None => {
                    new += 1;
                    continue;
                }
                Some(text) => match uuid::Uuid::parse_str(text.trim()) {
                    Ok(u) => u.as_u128(),
                    Err(_) => u128::from(self.hasher.hash_one(text)) | (1 << 127),
                },
            };
            if self.seen.insert(key) {
                new += 1;
            }
        }
        new
    }

    /// The error that ends a listing whose pages stopped adding anything.
    pub fn stuck(&self, call: &Call, why: String) -> Error {
        call.error(
            ErrorKind::ServerError,
            format!(
                "{}: {why} (page {}); the listing was stopped instead of looping",
                self.service, self.pages
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_array_stops_decoding_at_its_cap() {
        let ok: CappedVec<serde_json::Value, 3> = serde_json::from_str("[{},{},{}]").unwrap();
        assert_eq!(ok.into_inner().len(), 3);
        let err = serde_json::from_str::<CappedVec<serde_json::Value, 3>>("[{},{},{},{}]")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(OVER_CAP), "{err}");
    }

    #[test]
    fn the_guard_sees_loops_and_repeats() {
        let mut g = ListingGuard::new("svc");
        let u = Url::parse("https://example.com/a?x=1").unwrap();
        assert!(g.visit(&u).is_ok());
        assert!(g.visit(&u).unwrap_err().contains("already returned"));
        let id = "53018d99-ac51-4ec8-b86e-c8a61de43717";
        assert_eq!(g.count_new([Some(id), Some("x"), None].into_iter()), 3);
        assert_eq!(
            g.count_new([Some(id), Some("x")].into_iter()),
            0,
            "the same ids again add nothing"
        );
        assert_eq!(g.count_new([None].into_iter()), 1);
    }
}
