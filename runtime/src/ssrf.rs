//! Refusing webhook URLs that point inside your network (server-side request forgery).
//!
//! Endpoint URLs come from customers. A URL such as `http://169.254.169.254/latest/meta-data/`
//! or a name that resolves to `10.0.0.5` would make your webhook workers call your own cloud
//! metadata service or internal services and store the answer in an attempt log the customer
//! can read. The guard refuses such destinations **after DNS resolution**, at connect time, so a
//! name that resolves to a public address when checked and to a private one when used
//! (DNS rebinding) is refused too:
//!
//! - [`GuardedResolver`] is a `reqwest` DNS resolver that drops every refused address a name
//!   resolves to, and fails when none is left;
//! - [`check_url`] refuses a URL whose host is an IP literal (reqwest connects to those without
//!   asking the resolver);
//! - [`guarded_client`] builds a `reqwest::Client` with both, no redirects and no proxy.
//!
//! [`classify`] says which class of address is refused and why; [`AddressClass`] lists them.
//! Tests and internal endpoints opt out explicitly (`hookwire endpoint add --allow-private`).
//!
//! ```
//! use std::net::IpAddr;
//! use hookwire::ssrf::{AddressClass, check_url, classify};
//!
//! let metadata: IpAddr = "169.254.169.254".parse()?;
//! assert_eq!(classify(metadata), Some(AddressClass::CloudMetadata));
//! assert_eq!(classify("93.184.215.14".parse()?), None);
//!
//! assert!(check_url(&"http://10.1.2.3:8080/hooks".parse()?).is_err());
//! assert!(check_url(&"https://hooks.example.com/in".parse()?).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Why an address is refused: the class it belongs to.
///
/// ```
/// use hookwire::ssrf::{AddressClass, classify};
///
/// assert_eq!(classify("127.0.0.1".parse()?), Some(AddressClass::Loopback));
/// assert_eq!(AddressClass::Loopback.to_string(), "loopback");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AddressClass {
    /// `0.0.0.0/8`, `::`: "this host".
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918: `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`.
    Private,
    /// RFC 6598 carrier-grade NAT: `100.64.0.0/10`.
    SharedAddressSpace,
    /// `169.254.0.0/16`, `fe80::/10`.
    LinkLocal,
    /// IPv6 unique local addresses: `fc00::/7` (and the deprecated site-local `fec0::/10`).
    UniqueLocal,
    /// Cloud instance metadata services: `169.254.169.254` (AWS, GCP, Azure, OpenStack),
    /// `169.254.170.2` (AWS ECS), `100.100.100.200` (Alibaba), `fd00:ec2::254` (AWS IPv6).
    CloudMetadata,
    /// Multicast and broadcast: `224.0.0.0/4`, `255.255.255.255`, `ff00::/8`.
    Multicast,
    /// Reserved for documentation, benchmarks, protocol assignments or future use:
    /// `192.0.0.0/24`, `192.0.2.0/24`, `198.18.0.0/15`, `198.51.100.0/24`, `203.0.113.0/24`,
    /// `240.0.0.0/4`, `100::/64`, `2001::/32` (Teredo), `2001:db8::/32`.
    Reserved,
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressClass::Unspecified => "unspecified",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::SharedAddressSpace => "shared (carrier-grade NAT)",
            AddressClass::LinkLocal => "link-local",
            AddressClass::UniqueLocal => "unique local",
            AddressClass::CloudMetadata => "cloud metadata",
            AddressClass::Multicast => "multicast or broadcast",
            AddressClass::Reserved => "reserved",
        })
    }
}

/// The class of a refused address, or `None` for an address on the public internet.
///
/// IPv6 addresses that embed an IPv4 address (`::ffff:10.0.0.1`, the NAT64 prefix
/// `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the IPv4 address inside.
///
/// ```
/// use hookwire::ssrf::{AddressClass, classify};
///
/// assert_eq!(classify("::ffff:192.168.1.1".parse()?), Some(AddressClass::Private));
/// assert_eq!(classify("fd12:3456::1".parse()?), Some(AddressClass::UniqueLocal));
/// assert_eq!(classify("2606:4700::1111".parse()?), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn classify(address: IpAddr) -> Option<AddressClass> {
    match address {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<AddressClass> {
    let [a, b, c, d] = ip.octets();
    let class = match (a, b) {
        _ if matches!([a, b, c, d], [169, 254, 169, 254] | [169, 254, 170, 2]) => {
            AddressClass::CloudMetadata
        }
        _ if [a, b, c, d] == [100, 100, 100, 200] => AddressClass::CloudMetadata,
        (0, _) => AddressClass::Unspecified,
        (127, _) => AddressClass::Loopback,
        (10, _) | (172, 16..=31) | (192, 168) => AddressClass::Private,
        (100, 64..=127) => AddressClass::SharedAddressSpace,
        (169, 254) => AddressClass::LinkLocal,
        (192, 0) if c == 0 || c == 2 => AddressClass::Reserved,
        (198, 18 | 19) => AddressClass::Reserved,
        (198, 51) if c == 100 => AddressClass::Reserved,
        (203, 0) if c == 113 => AddressClass::Reserved,
        (224..=239, _) => AddressClass::Multicast,
        _ if ip == Ipv4Addr::BROADCAST => AddressClass::Multicast,
        (240..=255, _) => AddressClass::Reserved,
        _ => return None,
    };
    Some(class)
}

fn classify_v6(ip: Ipv6Addr) -> Option<AddressClass> {
    let segments = ip.segments();
    if ip.is_unspecified() {
        return Some(AddressClass::Unspecified);
    }
    if ip.is_loopback() {
        return Some(AddressClass::Loopback);
    }
    if let Some(v4) = embedded_v4(ip) {
        return classify_v4(v4);
    }
    if segments == [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254] {
        return Some(AddressClass::CloudMetadata);
    }
    let class = match segments[0] {
        0xfe80..=0xfebf => AddressClass::LinkLocal,
        0xfc00..=0xfdff | 0xfec0..=0xfeff => AddressClass::UniqueLocal,
        0xff00..=0xffff => AddressClass::Multicast,
        0x0100 if segments[1..4] == [0, 0, 0] => AddressClass::Reserved,
        0x2001 if segments[1] == 0 || segments[1] == 0x0db8 => AddressClass::Reserved,
        // The rest of `::/8` (IPv4-compatible and other deprecated forms) is not routable.
        0x0000..=0x00ff => AddressClass::Reserved,
        _ => return None,
    };
    Some(class)
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:0:0/96`), NAT64 (`64:ff9b::/96`) or 6to4
/// (`2002::/16`) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let from = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match s {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] | [0x0064, 0xff9b, 0, 0, 0, 0, hi, lo] => {
            Some(from(hi, lo))
        }
        [0x2002, hi, lo, ..] => Some(from(hi, lo)),
        _ => None,
    }
}

/// A destination the guard refused.
///
/// The message names the host and the address, never the URL's path or query (which may hold
/// a token).
///
/// ```
/// use hookwire::ssrf::{SsrfError, check_url};
///
/// let err = check_url(&"http://127.0.0.1:9/x?token=secret".parse()?).unwrap_err();
/// assert!(matches!(err, SsrfError::Refused { .. }));
/// assert!(!err.to_string().contains("secret"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SsrfError {
    /// The host is, or resolves only to, a refused address.
    #[error(
        "refused to connect to {host} ({address}): a {class} address; \
         allow private destinations for this endpoint if it is meant to be internal"
    )]
    Refused {
        /// The host as written in the URL.
        host: String,
        /// The (first) refused address.
        address: IpAddr,
        /// Why it is refused.
        class: AddressClass,
    },
    /// The URL has no host.
    #[error("the endpoint URL has no host")]
    NoHost,
    /// The name resolved to no address at all.
    #[error("{host} resolves to no address")]
    NoAddress {
        /// The host that was looked up.
        host: String,
    },
    /// The lookup failed.
    #[error("could not resolve {host}: {source}")]
    Resolve {
        /// The host that was looked up.
        host: String,
        /// What the system resolver said.
        #[source]
        source: std::io::Error,
    },
}

/// Refuses a URL whose host is an IP literal of a refused class; names pass (the
/// [`GuardedResolver`] checks what they resolve to).
///
/// # Errors
///
/// [`SsrfError::Refused`] for a refused IP literal, [`SsrfError::NoHost`] for a URL without a
/// host.
///
/// ```
/// use hookwire::ssrf::check_url;
///
/// assert!(check_url(&"http://[::1]:8080/".parse()?).is_err());
/// // The WHATWG parser reads 2130706433 as 127.0.0.1.
/// assert!(check_url(&"http://2130706433/".parse()?).is_err());
/// assert!(check_url(&"http://localhost/".parse()?).is_ok()); // a name: checked at resolve time
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_url(url: &Url) -> Result<(), SsrfError> {
    let host = url.host_str().ok_or(SsrfError::NoHost)?;
    // The URL parser has normalised IPv4 literals (`0x7f000001`) to dotted form, and writes
    // IPv6 literals in brackets; anything else that parses as an address is a literal too.
    let literal = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let Ok(address) = literal.parse::<IpAddr>() else {
        return Ok(());
    };
    match classify(address) {
        None => Ok(()),
        Some(class) => Err(SsrfError::Refused {
            host: host.to_owned(),
            address,
            class,
        }),
    }
}

/// A `reqwest` DNS resolver that resolves with the system resolver and drops every refused
/// address; a name left with none fails with [`SsrfError::Refused`].
///
/// ```
/// use hookwire::ssrf::GuardedResolver;
///
/// let client = reqwest::Client::builder()
///     .dns_resolver(GuardedResolver::new())
///     .redirect(reqwest::redirect::Policy::none())
///     .build()?;
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct GuardedResolver {
    _private: (),
}

impl GuardedResolver {
    /// A resolver that refuses every [`AddressClass`].
    ///
    /// ```
    /// # use hookwire::ssrf::GuardedResolver;
    /// let _resolver = GuardedResolver::new();
    /// ```
    pub const fn new() -> Self {
        Self { _private: () }
    }

    /// Resolves `host` and keeps only the addresses the guard allows (port 0 stands for the
    /// URL's port).
    ///
    /// # Errors
    ///
    /// [`SsrfError::Refused`] when every address is refused, [`SsrfError::NoAddress`] or
    /// [`SsrfError::Resolve`] when the lookup gives nothing.
    ///
    /// ```
    /// use hookwire::ssrf::{GuardedResolver, SsrfError};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let refused = GuardedResolver::new().lookup("localhost").await.unwrap_err();
    /// assert!(matches!(refused, SsrfError::Refused { .. }));
    /// # }
    /// ```
    pub async fn lookup(&self, host: &str) -> Result<Vec<SocketAddr>, SsrfError> {
        let resolved =
            tokio::net::lookup_host((host, 0))
                .await
                .map_err(|source| SsrfError::Resolve {
                    host: host.to_owned(),
                    source,
                })?;
        filter(host, resolved)
    }
}

/// Keeps the allowed addresses; fails with the first refused one when none is left.
fn filter(
    host: &str,
    resolved: impl IntoIterator<Item = SocketAddr>,
) -> Result<Vec<SocketAddr>, SsrfError> {
    let mut allowed = Vec::new();
    let mut refused = None;
    for address in resolved {
        match classify(address.ip()) {
            None => allowed.push(address),
            Some(class) => {
                refused.get_or_insert((address.ip(), class));
            }
        }
    }
    match (allowed.is_empty(), refused) {
        (false, _) => Ok(allowed),
        (true, Some((address, class))) => Err(SsrfError::Refused {
            host: host.to_owned(),
            address,
            class,
        }),
        (true, None) => Err(SsrfError::NoAddress {
            host: host.to_owned(),
        }),
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let resolver = *self;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let allowed = resolver.lookup(&host).await?;
            let addrs: Addrs = Box::new(allowed.into_iter());
            Ok(addrs)
        })
    }
}

/// Configures `builder` for customer URLs: the [`GuardedResolver`], no redirects (a redirect to
/// an IP literal would skip the resolver), no proxy (a proxy would resolve the name itself).
/// Check IP-literal URLs with [`check_url`] before sending.
///
/// ```
/// use hookwire::ssrf::guarded_client;
///
/// let client = guarded_client(reqwest::Client::builder()).build()?;
/// # let _ = client;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn guarded_client(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
        .dns_resolver(GuardedResolver::new())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(address: &str) -> Option<AddressClass> {
        classify(address.parse().unwrap())
    }

    #[test]
    fn refuses_every_internal_ipv4_range() {
        use AddressClass::*;
        let cases = [
            ("0.0.0.0", Unspecified),
            ("0.1.2.3", Unspecified),
            ("127.0.0.1", Loopback),
            ("127.255.255.254", Loopback),
            ("10.0.0.1", Private),
            ("172.16.0.1", Private),
            ("172.31.255.255", Private),
            ("192.168.1.1", Private),
            ("100.64.0.1", SharedAddressSpace),
            ("100.127.255.255", SharedAddressSpace),
            ("169.254.1.1", LinkLocal),
            ("169.254.169.254", CloudMetadata),
            ("169.254.170.2", CloudMetadata),
            ("100.100.100.200", CloudMetadata),
            ("192.0.0.8", Reserved),
            ("192.0.2.1", Reserved),
            ("198.18.0.1", Reserved),
            ("198.19.255.1", Reserved),
            ("198.51.100.7", Reserved),
            ("203.0.113.9", Reserved),
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("255.255.255.255", Multicast),
            ("240.0.0.1", Reserved),
        ];
        for (address, expected) in cases {
            assert_eq!(class(address), Some(expected), "{address}");
        }
    }

    #[test]
    fn allows_public_ipv4_next_to_the_ranges() {
        for address in [
            "1.1.1.1",
            "8.8.8.8",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "198.17.0.1",
            "198.20.0.1",
            "198.51.101.1",
            "203.0.114.1",
            "192.0.1.1",
            "223.255.255.255",
            "11.0.0.1",
            "126.255.255.255",
            "128.0.0.1",
        ] {
            assert_eq!(class(address), None, "{address}");
        }
    }

    #[test]
    fn refuses_internal_ipv6_and_embedded_ipv4() {
        use AddressClass::*;
        let cases = [
            ("::", Unspecified),
            ("::1", Loopback),
            ("fe80::1", LinkLocal),
            ("febf::1", LinkLocal),
            ("fc00::1", UniqueLocal),
            ("fdff::1", UniqueLocal),
            ("fec0::1", UniqueLocal),
            ("fd00:ec2::254", CloudMetadata),
            ("ff02::1", Multicast),
            ("2001:db8::1", Reserved),
            ("2001:0:4136:e378::1", Reserved),
            ("100::1", Reserved),
            ("::ffff:127.0.0.1", Loopback),
            ("::ffff:169.254.169.254", CloudMetadata),
            ("64:ff9b::a00:1", Private),
            ("2002:c0a8:101::1", Private),
            ("::10.0.0.1", Reserved),
        ];
        for (address, expected) in cases {
            assert_eq!(class(address), Some(expected), "{address}");
        }
        for address in [
            "2606:4700:4700::1111",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert_eq!(class(address), None, "{address}");
        }
    }

    #[test]
    fn ip_literal_urls_are_checked_and_names_are_left_to_the_resolver() {
        for refused in [
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://0x7f000001/",
            "http://017700000001/",
            "http://169.254.169.254/latest/meta-data/",
        ] {
            let err = check_url(&refused.parse().unwrap()).unwrap_err();
            assert!(matches!(err, SsrfError::Refused { .. }), "{refused}: {err}");
        }
        for allowed in [
            "http://93.184.215.14/",
            "https://example.com/",
            "http://localhost:1/",
        ] {
            check_url(&allowed.parse().unwrap()).unwrap();
        }
    }

    #[test]
    fn filter_keeps_public_addresses_and_refuses_when_none_is_left() {
        let public: SocketAddr = "93.184.215.14:0".parse().unwrap();
        let internal: SocketAddr = "10.0.0.1:0".parse().unwrap();
        assert_eq!(filter("mixed", [internal, public]).unwrap(), vec![public]);
        let err = filter("internal", [internal]).unwrap_err();
        assert!(matches!(
            err,
            SsrfError::Refused {
                class: AddressClass::Private,
                ..
            }
        ));
        assert!(err.to_string().contains("internal (10.0.0.1)"), "{err}");
        assert!(matches!(
            filter("empty", []).unwrap_err(),
            SsrfError::NoAddress { .. }
        ));
    }

    #[tokio::test]
    async fn a_guarded_client_refuses_a_loopback_name_before_connecting() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = guarded_client(reqwest::Client::builder()).build().unwrap();
        let err = client
            .post(format!("http://localhost:{port}/hooks"))
            .send()
            .await
            .unwrap_err();
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&err);
        let mut refused = false;
        while let Some(error) = source {
            refused |= matches!(
                error.downcast_ref::<SsrfError>(),
                Some(SsrfError::Refused { .. })
            );
            source = error.source();
        }
        assert!(refused, "{err:?}");
    }
}
