//! TLS on loopback for hookwire's tests: a certificate authority made in the test, server
//! certificates it signs for the names a test asks, an HTTPS server for an axum router, and
//! TLS-terminating proxies in front of the local PostgreSQL (its `SSLRequest` handshake) and
//! Redis (plain TLS), so every network path is tried over TLS without touching the services'
//! own configuration.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

/// A certificate authority that exists only for one test.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

impl TestCa {
    /// A new CA named `name`.
    pub fn new(name: &str) -> Self {
        let key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).expect("CA certificate");
        let pem = cert.pem();
        TestCa {
            issuer: Issuer::new(params, key),
            pem,
        }
    }

    /// The CA's certificate, PEM.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// The CA's certificate written to `dir/ca.pem` (for `SSL_CERT_FILE`, `--cacert`,
    /// `sslrootcert=`).
    pub fn write_pem(&self, dir: &Path) -> PathBuf {
        std::fs::create_dir_all(dir).expect("cert dir");
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.pem).expect("write ca.pem");
        path
    }

    /// A rustls server configuration presenting a certificate for `names` (DNS names or IP
    /// addresses) signed by this CA.
    pub fn server_config(&self, names: &[&str]) -> Arc<ServerConfig> {
        let key = KeyPair::generate().expect("server key");
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let params = CertificateParams::new(names).expect("server params");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("server certificate");
        let chain = vec![CertificateDer::from(cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .expect("server config");
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Arc::new(config)
    }
}

/// Serves `router` over HTTPS on 127.0.0.1 (a free port) until the test's runtime ends.
/// Handshake failures (an untrusting client) end that connection only.
pub async fn serve_https(router: axum::Router, config: Arc<ServerConfig>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let acceptor = TlsAcceptor::from(config);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, router) = (acceptor.clone(), router.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper_util::service::TowerToHyperService::new(router);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    addr
}

/// A TLS endpoint on 127.0.0.1 forwarding the decrypted bytes to `upstream` (Redis: `rediss://`
/// to a server that speaks plain TCP).
pub async fn tls_proxy(config: Arc<ServerConfig>, upstream: SocketAddr) -> SocketAddr {
    proxy(config, upstream, false).await
}

/// A PostgreSQL TLS endpoint on 127.0.0.1: answers the client's `SSLRequest` with `S`, does the
/// TLS handshake, then forwards the decrypted protocol to `upstream` (the plain local server).
/// A client that does not ask for TLS is refused (the connection is closed).
pub async fn postgres_tls_proxy(config: Arc<ServerConfig>, upstream: SocketAddr) -> SocketAddr {
    proxy(config, upstream, true).await
}

/// The `SSLRequest` message: length 8, code 80877103.
const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 4, 210, 22, 47];

async fn proxy(config: Arc<ServerConfig>, upstream: SocketAddr, postgres: bool) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let acceptor = TlsAcceptor::from(config);
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if postgres {
                    let mut request = [0u8; 8];
                    if tcp.read_exact(&mut request).await.is_err() || request != SSL_REQUEST {
                        return;
                    }
                    if tcp.write_all(b"S").await.is_err() {
                        return;
                    }
                }
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    addr
}
