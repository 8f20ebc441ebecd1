//! What a service is to the pipeline: a name for messages, the header it reads a correlation id from, how it
//! writes errors, and, per cloud, its host and the token scope of its audience. Each service module owns its
//! own [`Service`] constant; the transport and the policies know none of them.

use crate::pipeline::ErrorReader;

/// A host and the token scope for it, in one cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hosted {
    pub endpoint: &'static str,
    pub scope: &'static str,
}

/// A service the library calls.
#[derive(Debug)]
pub struct Service {
    /// The key in `endpoints`, `accessTokens` and custom clouds: `partnerCenter`, `customerAdmin`,
    /// `cloudCockpit`, `resourceManager`, `graph`.
    pub id: &'static str,
    /// The name in messages: "Partner Center".
    pub name: &'static str,
    pub correlation_header: &'static str,
    pub read_error: ErrorReader,
    /// Where it is, per cloud; `None` where the cloud does not have it.
    pub public: Option<Hosted>,
    pub us_government: Option<Hosted>,
    pub china: Option<Hosted>,
}
