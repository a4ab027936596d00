//! The TLS backend, chosen with the crate's features: `rustls-ring` (the
//! default), `rustls-aws-lc` or `native-tls`.

/// Makes sure rustls has a process-wide crypto provider, as reqwest needs
/// one to build a client when its TLS is rustls without a provider of its
/// own (the `rustls-ring` feature).
///
/// [`ClientBuilder::build`](crate::ClientBuilder::build) calls this, so a
/// program that only uses [`Client`](crate::Client) never needs to. A
/// program that builds `reqwest::Client`s of its own before any
/// `agora_chat::Client`, with a reqwest that has no TLS feature of its
/// own, calls it first: reqwest would otherwise find no provider. A
/// provider the program installed itself is kept. With the other backends
/// this does nothing.
///
/// ```
/// agora_chat::install_tls_provider();
/// let http = reqwest::Client::new();
/// # drop(http);
/// ```
pub fn install_tls_provider() {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one first; either way one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reqwest_client_builds_after_installing() {
        super::install_tls_provider();
        assert!(reqwest::Client::builder().build().is_ok());
        #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
