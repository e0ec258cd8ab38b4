//! How `hookwire listen` prints a request: text for people, one JSON object per line for
//! programs. Each request is written with a single call, so concurrent ones never interleave.

use std::io::Write as _;

use axum::http::{HeaderMap, Method, StatusCode};
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::pretty;

/// What the receiver decided about one request.
pub(super) enum Verdict {
    Verified {
        id: Option<String>,
        timestamp: Option<i64>,
        event_type: Option<String>,
        body: Bytes,
    },
    Rejected {
        code: &'static str,
        reason: String,
    },
    NotPost,
}

#[derive(Clone, Copy)]
pub(super) struct Printer {
    pub(super) json: bool,
}

impl Printer {
    pub(super) fn print(
        self,
        method: &Method,
        path: &str,
        headers: &HeaderMap,
        verdict: &Verdict,
        status: StatusCode,
    ) {
        let out = if self.json {
            let mut line = json_line(method, path, headers, verdict, status).to_string();
            line.push('\n');
            line
        } else {
            text(method, path, headers, verdict, status)
        };
        let mut stdout = std::io::stdout().lock();
        // A closed stdout (the reader went away) must not stop the receiver.
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
    }
}

fn text(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    verdict: &Verdict,
    status: StatusCode,
) -> String {
    let mut out = format!("{method} {path}\n");
    for (name, value) in headers {
        out.push_str(&format!(
            "  {name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    let code = status.as_u16();
    match verdict {
        Verdict::Verified {
            id,
            timestamp,
            event_type,
            body,
        } => {
            let mut line = "verified".to_owned();
            if let Some(event_type) = event_type {
                line.push_str(&format!(" {event_type}"));
            }
            if let Some(id) = id {
                line.push_str(&format!(", id {id}"));
            }
            if let Some(timestamp) = timestamp {
                line.push_str(&format!(", timestamp {timestamp}"));
            }
            out.push_str(&format!("{line} -> {code}\n"));
            out.push_str(&pretty_body(body));
        }
        Verdict::Rejected { code: name, reason } => {
            out.push_str(&format!("rejected -> {code} {name}: {reason}\n"));
        }
        Verdict::NotPost => out.push_str(&format!("not a POST -> {code}\n")),
    }
    out.push('\n');
    out
}

/// The body as indented JSON, as text, or as a byte count when it is not UTF-8.
fn pretty_body(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty body)\n".to_owned();
    }
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
        && let Ok(text) = std::str::from_utf8(body)
    {
        return pretty::indent(text) + "\n";
    }
    match std::str::from_utf8(body) {
        Ok(text) => format!("{}\n", text.trim_end()),
        Err(_) => format!("({} bytes, not UTF-8)\n", body.len()),
    }
}

fn json_line(
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    verdict: &Verdict,
    status: StatusCode,
) -> Value {
    let mut names = Map::new();
    for (name, value) in headers {
        names
            .entry(name.as_str())
            .or_insert_with(|| String::from_utf8_lossy(value.as_bytes()).into());
    }
    let mut line = json!({
        "method": method.as_str(),
        "path": path,
        "status": status.as_u16(),
        "headers": names,
    });
    match verdict {
        Verdict::Verified {
            id,
            timestamp,
            event_type,
            body,
        } => {
            line["verified"] = true.into();
            line["id"] = id.clone().into();
            line["timestamp"] = (*timestamp).into();
            line["event_type"] = event_type.clone().into();
            line["body"] = match serde_json::from_slice::<Value>(body) {
                Ok(value) => value,
                Err(_) => String::from_utf8_lossy(body).into(),
            };
        }
        Verdict::Rejected { code, reason } => {
            line["verified"] = false.into();
            line["code"] = (*code).into();
            line["reason"] = reason.clone().into();
        }
        Verdict::NotPost => {
            line["verified"] = false.into();
            line["code"] = "method_not_allowed".into();
        }
    }
    line
}
