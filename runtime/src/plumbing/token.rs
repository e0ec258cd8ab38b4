//! Claim tokens: proof of owning a claim (a duplicate store's key, an inbox delivery), made
//! random so no earlier claim of the same key held the same one.

/// Proof of owning a claim: a store's `complete` and `abandon` (or `fail`) act only when it is
/// the claim's current token (a fencing token).
///
/// A store hands out a token no earlier claim of the same key had (a counter, a random
/// 64-bit value, a database sequence).
///
/// ```
/// use hookwire::ClaimToken;
/// assert_eq!(ClaimToken::new(7).get(), 7);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimToken(u64);

impl ClaimToken {
    /// A token with this value.
    ///
    /// ```
    /// # use hookwire::ClaimToken;
    /// let token = ClaimToken::new(42);
    /// ```
    pub const fn new(value: u64) -> Self {
        ClaimToken(value)
    }

    /// The token's value, for storing it.
    ///
    /// ```
    /// # use hookwire::ClaimToken;
    /// assert_eq!(ClaimToken::new(42).get(), 42);
    /// ```
    pub const fn get(self) -> u64 {
        self.0
    }
}

/// Whether settling a claim (completing, abandoning or failing it) acted.
///
/// ```
/// use hookwire::Settled;
/// assert_ne!(Settled::Applied, Settled::Lost);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Settled {
    /// The token was the claim's current one: the change was made.
    Applied,
    /// The claim is no longer the caller's (its lease expired and another claim took it over,
    /// or it was settled already): nothing changed.
    Lost,
}

/// The machine had no randomness to give (a random token could not be made).
#[cfg(any(feature = "postgres", feature = "redis", feature = "sqlite"))]
#[derive(Debug)]
pub(crate) struct NoRandomness(getrandom::Error);

#[cfg(any(feature = "postgres", feature = "redis", feature = "sqlite"))]
impl std::fmt::Display for NoRandomness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no randomness: {}", self.0)
    }
}

#[cfg(any(feature = "postgres", feature = "redis", feature = "sqlite"))]
impl std::error::Error for NoRandomness {}

/// Without a backend no random token is made (and getrandom is not built): nothing to fail.
#[cfg(not(any(feature = "postgres", feature = "redis", feature = "sqlite")))]
#[derive(Debug)]
pub(crate) enum NoRandomness {}

#[cfg(not(any(feature = "postgres", feature = "redis", feature = "sqlite")))]
impl std::fmt::Display for NoRandomness {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {}
    }
}

#[cfg(not(any(feature = "postgres", feature = "redis", feature = "sqlite")))]
impl std::error::Error for NoRandomness {}

/// A random token below 2^63, so databases store it as a plain `BIGINT`.
#[cfg(any(feature = "postgres", feature = "redis", feature = "sqlite"))]
pub(crate) fn random_token() -> Result<ClaimToken, NoRandomness> {
    let mut bytes = [0_u8; 8];
    getrandom::fill(&mut bytes).map_err(NoRandomness)?;
    Ok(ClaimToken::new(u64::from_le_bytes(bytes) >> 1))
}

/// `n` random tokens.
#[cfg(any(feature = "postgres", feature = "redis", feature = "sqlite"))]
pub(crate) fn random_tokens(n: usize) -> Result<Vec<ClaimToken>, NoRandomness> {
    (0..n).map(|_| random_token()).collect()
}

/// The token as the `BIGINT` the databases store. Tokens this crate makes are below 2^63; a
/// foreign larger one maps to a value no claim holds (negative), so it settles nothing.
pub(crate) fn token_i64(token: ClaimToken) -> i64 {
    i64::try_from(token.get()).unwrap_or(-1)
}

/// `1` row or script answer: applied; anything else: the claim was not the caller's.
#[cfg(any(feature = "postgres", feature = "redis", feature = "sqlite"))]
pub(crate) fn settled(applied: u64) -> Settled {
    if applied == 1 {
        Settled::Applied
    } else {
        Settled::Lost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_fit_a_bigint_and_differ() {
        let tokens = random_tokens(2).unwrap();
        assert!(tokens.iter().all(|t| t.get() < 1 << 63));
        assert_ne!(tokens[0], tokens[1]);
    }

    #[test]
    fn foreign_tokens_match_no_claim() {
        assert_eq!(token_i64(ClaimToken::new(u64::MAX)), -1);
        assert_eq!(token_i64(ClaimToken::new(5)), 5);
    }
}
