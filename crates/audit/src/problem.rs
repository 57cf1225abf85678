//! What the verifier reports.

use serde::Serialize;

/// One thing wrong with a package. `code` is stable snake_case (see
/// docs/package.md); `member` names the part of the package (e.g.
/// `sheets[3]`, `report_signatures`); `who` the person concerned, when
/// there is one; `message` is Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: String,
    pub member: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
    pub message: String,
}

/// What was checked, for the auditor's record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Checked {
    pub signatures: usize,
    pub receipts: usize,
    pub declarations: usize,
    pub leader_votes: usize,
    pub sheets: usize,
    pub report_signatures: usize,
    pub witness_entries: usize,
    pub motions: usize,
    pub motion_votes: usize,
    pub clarifications: usize,
    pub clarification_answers: usize,
}

/// The verifier's answer: `ok` only when the package is complete and every
/// check passed. `code` is `intact`, `incomplete` (a required document is
/// missing), `mismatch` (something present is wrong) or the reason the
/// package could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub ok: bool,
    pub code: String,
    pub project: Option<String>,
    pub message: String,
    pub checked: Checked,
    pub problems: Vec<Problem>,
}

impl Verdict {
    pub(crate) fn refused(code: &str, message: String) -> Self {
        Verdict {
            ok: false,
            code: code.to_string(),
            project: None,
            message: message.clone(),
            checked: Checked::default(),
            problems: vec![Problem {
                code: code.to_string(),
                member: "package".to_string(),
                who: None,
                message,
            }],
        }
    }

    /// True when some problem names `text` (a member, a person, a code).
    pub fn mentions(&self, text: &str) -> bool {
        self.problems.iter().any(|p| {
            p.member.contains(text)
                || p.who.as_deref() == Some(text)
                || p.code == text
                || p.message.contains(text)
        })
    }
}
