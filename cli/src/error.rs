//! The errors a command ends with, and their exit codes.

use std::fmt;
use std::process::ExitCode;

/// Why a command stopped: a usage error (exit 2) or a failure (exit 1).
///
/// Messages never contain a secret: they are built from hookwire's typed errors, whose messages
/// name the expected format and never the value, and from this crate's own text.
#[derive(Debug)]
pub(crate) enum CliError {
    /// Bad arguments, an unreadable file, a malformed secret or header: exit 2.
    Usage(String),
    /// The command ran and failed (a delivery not delivered, a server that stopped): exit 1.
    Failed(String),
}

impl CliError {
    pub(crate) fn usage(message: impl fmt::Display) -> Self {
        CliError::Usage(message.to_string())
    }

    pub(crate) fn failed(message: impl fmt::Display) -> Self {
        CliError::Failed(message.to_string())
    }

    /// Prints the message on standard error and returns the exit code.
    pub(crate) fn report(self) -> ExitCode {
        match self {
            CliError::Usage(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
            CliError::Failed(message) => {
                eprintln!("error: {message}");
                ExitCode::from(1)
            }
        }
    }
}
