//! Who is calling: the bearer-token extractor and role/assignment checks.

use crate::db::{people, sessions};
use crate::{AppState, PlatformError};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use pingshen_api::{Person, Role};
use sha2::{Digest, Sha256};

/// An authenticated caller. Extracting it refuses requests without a valid,
/// unexpired session token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub person: Person,
    /// Fingerprint of the certificate the session was opened with.
    pub fingerprint: String,
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The request's bearer token, whether or not a session still holds it
/// (logging out needs no more). Refuses a missing or malformed header.
pub struct BearerToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = PlatformError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                PlatformError::unauthenticated("unauthenticated", "请先使用数字证书登录")
            })?;
        header
            .strip_prefix("Bearer ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| BearerToken(t.to_string()))
            .ok_or_else(|| {
                PlatformError::unauthenticated("unauthenticated", "登录凭据格式错误，请重新登录")
            })
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = PlatformError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let BearerToken(token) = BearerToken::from_request_parts(parts, state).await?;
        let hash = token_hash(&token);
        let row = state.db.call(move |c| sessions::session(c, &hash)).await?;
        let row = row.ok_or_else(|| {
            PlatformError::unauthenticated("unauthenticated", "登录凭据无效，请重新登录")
        })?;
        if time::OffsetDateTime::now_utc() > row.expires_at {
            return Err(PlatformError::unauthenticated(
                "session_expired",
                "登录已过期，请重新验证证书",
            ));
        }
        Ok(Caller {
            person: row.person,
            fingerprint: row.fingerprint,
        })
    }
}

impl Caller {
    pub fn require_role(&self, role: Role) -> Result<(), PlatformError> {
        if self.person.role == role {
            Ok(())
        } else {
            Err(PlatformError::forbidden(
                "wrong_role",
                format!(
                    "此操作仅限{}，您的身份是{}",
                    role.label_zh(),
                    self.person.role.label_zh()
                ),
            ))
        }
    }

    /// Bid documents: people assigned to the project (and staff).
    /// Experts additionally need their signed no-conflict declaration
    /// ([`Caller::require_no_conflict`]).
    pub async fn require_documents(
        &self,
        state: &AppState,
        project_id: &str,
    ) -> Result<(), PlatformError> {
        self.require_project(state, project_id).await?;
        self.require_no_conflict(state, project_id).await
    }

    /// An expert must have signed the 回避声明 without recusing before seeing
    /// what the panel sees; other roles pass (their access is decided by
    /// assignment and role). Call after [`Caller::require_project`].
    pub async fn require_no_conflict(
        &self,
        state: &AppState,
        project_id: &str,
    ) -> Result<(), PlatformError> {
        if self.person.role != Role::Expert {
            return Ok(());
        }
        let (pid, me) = (project_id.to_string(), self.person.id.clone());
        let decision = state
            .db
            .call(move |c| crate::db::evaluation::declaration(c, &pid, &me))
            .await?;
        match decision {
            Some(pingshen_api::DeclarationDecision::NoConflict) => Ok(()),
            Some(pingshen_api::DeclarationDecision::Recuse) => Err(PlatformError::forbidden(
                "recused",
                "您已申请回避本项目，不能查看投标文件或评分",
            )),
            None => Err(PlatformError::forbidden(
                "declaration_required",
                "请先签署回避声明，方可查看投标文件",
            )),
        }
    }

    /// What the panel produces (the report, its status): staff, and the
    /// sitting experts who declared no conflict. Not witnesses: they observe
    /// the procedure, not the scores. `what` names the thing in the refusal.
    pub async fn require_panel(
        &self,
        state: &AppState,
        project_id: &str,
        what: &str,
    ) -> Result<(), PlatformError> {
        if self.person.role == Role::Witness {
            return Err(PlatformError::forbidden(
                "wrong_role",
                format!("{what}仅限评标委员会成员与工作人员查看"),
            ));
        }
        self.require_documents(state, project_id).await
    }

    /// What only the panel leader handles for the panel (the summary, the
    /// evaluation package, the screening decisions): staff and the elected
    /// leader ([`crate::evaluation::leader`]). `what` names the thing in the
    /// refusal.
    pub async fn require_leader(
        &self,
        state: &AppState,
        project_id: &str,
        what: &str,
    ) -> Result<(), PlatformError> {
        self.require_project(state, project_id).await?;
        match self.person.role {
            Role::Staff => return Ok(()),
            Role::Expert => {}
            Role::Witness | Role::Bidder | Role::Platform => {
                return Err(PlatformError::forbidden(
                    "wrong_role",
                    format!("{what}仅限评标组长与工作人员查看"),
                ))
            }
        }
        let (pid, me) = (project_id.to_string(), self.person.id.clone());
        let leads = state
            .db
            .call(move |c| Ok(crate::evaluation::leader(c, &pid)?.as_deref() == Some(me.as_str())))
            .await?;
        if leads {
            Ok(())
        } else {
            Err(PlatformError::forbidden(
                "not_leader",
                format!("{what}仅限评标组长与工作人员查看"),
            ))
        }
    }

    /// Staff see every project; experts and witnesses only those they are
    /// assigned to.
    pub async fn require_project(
        &self,
        state: &AppState,
        project_id: &str,
    ) -> Result<(), PlatformError> {
        if self.person.role == Role::Staff {
            return Ok(());
        }
        let (pid, person) = (project_id.to_string(), self.person.id.clone());
        let assigned = state
            .db
            .call(move |c| {
                crate::db::projects::get(c, &pid)?;
                people::is_assigned(c, &pid, &person)
            })
            .await?;
        if assigned {
            Ok(())
        } else {
            Err(PlatformError::forbidden(
                "not_assigned",
                format!("您未被抽取为项目 {project_id} 的评标人员"),
            ))
        }
    }
}
