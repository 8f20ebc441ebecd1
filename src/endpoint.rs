//! Service base URLs: `https://` only, except plain HTTP to loopback (the emulator).

use crate::error::{Error, Result};
use url::{Host, Url};

/// A validated scheme + host + port, with no path, query, fragment or user info.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Parse `what` (named in errors, e.g. "endpoint") and refuse anything but `https://host[:port]` or
    /// `http://` to `127.0.0.1`, `localhost` or `[::1]`.
    pub fn parse(what: &str, text: &str) -> Result<BaseUrl> {
        let trimmed = text.trim().trim_end_matches('/');
        let url = Url::parse(trimmed)
            .map_err(|e| Error::invalid(format!("{what} `{trimmed}` is not a URL: {e}")))?;
        check_transport(what, &url)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::invalid(format!("{what} must not carry user info")));
        }
        if url.path() != "/" && !url.path().is_empty() {
            return Err(Error::invalid(format!(
                "{what} `{trimmed}` must be only a scheme, host and port (no path): the documented path is appended"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::invalid(format!(
                "{what} must not have a query or fragment"
            )));
        }
        Ok(BaseUrl(url))
    }

    /// A constant default such as `https://api.partnercenter.microsoft.com`.
    pub fn from_static(text: &'static str) -> BaseUrl {
        BaseUrl::parse("default endpoint", text).expect("built-in endpoint is valid")
    }

    /// `base` + `path` (which must start with `/` and be already percent-encoded).
    pub fn join(&self, path: &str) -> Url {
        debug_assert!(path.starts_with('/'));
        let mut url = self.0.clone();
        url.set_path(path);
        url
    }

    pub fn host_str(&self) -> &str {
        self.0.host_str().unwrap_or("")
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// Whether `url` (a nextLink or an operation URL the service handed back) is on the same scheme, host
    /// and port, so that our bearer token may be sent to it.
    pub fn same_origin(&self, url: &Url) -> bool {
        self.0.origin() == url.origin()
    }
}

impl std::fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `https`, or `http` to a loopback host.
pub(crate) fn check_transport(what: &str, url: &Url) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::invalid(format!(
            "{what} uses http:// to a non-loopback host `{}`: only https:// is allowed (http only for 127.0.0.1, localhost and [::1])",
            url.host_str().unwrap_or("")
        ))),
        other => Err(Error::invalid(format!("{what} has scheme `{other}`: only https:// is allowed"))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_loopback_http() {
        for ok in [
            "https://api.partnercenter.microsoft.com",
            "https://api.partnercenter.microsoft.com/",
            "http://127.0.0.1:8787",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            BaseUrl::parse("endpoint", ok).unwrap();
        }
    }

    #[test]
    fn refuses_plain_http_paths_and_other_schemes() {
        for bad in [
            "http://example.com",
            "http://10.0.0.1:80",
            "http://127.0.0.2",
            "ftp://example.com",
            "https://example.com/v1",
            "https://user:pw@example.com",
            "https://example.com?x=1",
            "not a url",
        ] {
            let e = BaseUrl::parse("endpoint", bad).unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::InvalidRequest, "{bad}");
        }
    }
}
