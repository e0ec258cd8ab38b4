//! Ed25519 (`v1a`) is verified strictly: weak (small-order) public keys are refused when
//! parsed, and a signature whose `R` is of small order never verifies.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hookwire::Timestamp;
use hookwire::signature::{Scheme, SecretError, StandardKey, StandardWebhooks};

/// The identity point: of order 1, the weakest key there is.
const IDENTITY: [u8; 32] = {
    let mut point = [0u8; 32];
    point[0] = 1;
    point
};

#[test]
fn weak_public_keys_are_refused_with_a_clear_error() {
    let text = format!("whpk_{}", STANDARD.encode(IDENTITY));
    let error = StandardKey::parse(text.as_str()).unwrap_err();
    assert!(
        matches!(error, SecretError::MalformedSecret { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("weak (small-order)"), "{message}");
    assert!(StandardKey::ed25519_public(IDENTITY).is_err());
    assert!(StandardWebhooks::new(text).is_err());
}

#[test]
fn a_small_order_r_never_verifies() {
    // Under a weak key, R = identity and S = 0 satisfy the cofactorless equation for every
    // message; the key is refused above, and R is refused here, under an honest key too.
    let seed = *b"TESTSIGNINGKEYDONOTUSETHISFORANY";
    let signing = StandardKey::ed25519_seed(seed);
    let public = StandardKey::parse(signing.public_key().unwrap()).unwrap();
    let scheme = StandardWebhooks::from_key(public);
    let mut forged = [0u8; 64];
    forged[..32].copy_from_slice(&IDENTITY);
    let headers = [
        ("webhook-id", "msg_1".to_owned()),
        ("webhook-timestamp", "1000".to_owned()),
        (
            "webhook-signature",
            format!("v1a,{}", STANDARD.encode(forged)),
        ),
    ];
    assert!(
        scheme
            .verify(&headers, b"{}", Timestamp::from_unix(1_000))
            .is_err()
    );

    // An honest signature still verifies under the public key.
    let signer = StandardWebhooks::from_key(StandardKey::ed25519_seed(seed));
    let signed = signer
        .sign("msg_1", Timestamp::from_unix(1_000), b"{}")
        .unwrap();
    assert!(
        scheme
            .verify(&signed, b"{}", Timestamp::from_unix(1_000))
            .is_ok()
    );
}
