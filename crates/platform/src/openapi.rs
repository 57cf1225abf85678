//! The OpenAPI document, derived from the handlers' annotations and the
//! `pingshen-api` types: the contract is generated from the code, never
//! written by hand.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pingshen platform API",
        description = "公共资源交易平台评标接口（沙箱实现）。所有错误返回 {\"error\": {code, message}}。",
        version = "1.0.0"
    ),
    paths(
        crate::routes::health::health,
        crate::openapi::serve,
        crate::routes::auth::challenge,
        crate::routes::auth::session,
        crate::routes::auth::logout,
        crate::routes::projects::list_projects,
        crate::routes::projects::get_project,
        crate::routes::projects::create_project,
        crate::routes::projects::change_stage,
        crate::routes::projects::assign,
        crate::routes::documents::manifest,
        crate::routes::documents::file,
        crate::routes::documents::chunks,
        crate::routes::documents::pieces,
        crate::routes::evaluation::declare,
        crate::routes::evaluation::vote,
        crate::routes::evaluation::submit_sheet,
        crate::routes::evaluation::reopen,
        crate::routes::evaluation::panel,
        crate::routes::evaluation::summary,
        crate::routes::rules::publish,
        crate::routes::rules::latest,
        crate::routes::rules::version,
        crate::routes::witness::submit,
        crate::routes::witness::list,
        crate::routes::witness::export,
        crate::routes::report::status,
        crate::routes::report::pdf,
        crate::routes::report::sign,
        crate::routes::report::package,
        crate::routes::screening::decide,
        crate::routes::motions::propose,
        crate::routes::motions::vote,
        crate::routes::motions::list,
        crate::routes::records::credit_record,
        crate::routes::records::publish_credit,
        crate::routes::clarifications::ask,
        crate::routes::clarifications::answer,
        crate::routes::clarifications::list,
        crate::routes::screening::list,
        crate::routes::records::opening_record,
        crate::routes::records::panel_record,
        crate::routes::records::crls,
        crate::routes::open_data::ocds,
        crate::routes::updates::latest,
        crate::routes::updates::file,
    ),
    components(schemas(
        pingshen_api::ApiError,
        pingshen_api::ErrorBody,
        pingshen_api::Health,
        pingshen_api::SignedEnvelope,
        pingshen_api::ChallengeRequest,
        pingshen_api::Challenge,
        pingshen_api::SessionRequest,
        pingshen_api::Session,
        pingshen_api::Person,
        pingshen_api::Role,
        pingshen_api::CertSummary,
        pingshen_api::Stage,
        pingshen_api::ProjectSummary,
        pingshen_api::ProjectDetail,
        pingshen_api::Bidder,
        pingshen_api::NewProject,
        pingshen_api::NewBidder,
        pingshen_api::StageChange,
        pingshen_api::Assignment,
        pingshen_api::PublishRules,
        pingshen_api::PublishedRules,
        pingshen_api::RulesDocument,
        pingshen_api::Receipt,
        pingshen_api::OpeningRecord,
        pingshen_api::OpenedBid,
        pingshen_api::PanelRecord,
        pingshen_api::PanelRecordPerson,
        pingshen_api::PanelSeat,
        pingshen_api::PanelVote,
        pingshen_api::SignedRecord,
        pingshen_api::CrlSet,
        pingshen_api::Declaration,
        pingshen_api::DeclarationDecision,
        pingshen_api::LeaderVote,
        pingshen_api::ScoreSheet,
        pingshen_api::SignedSubmission,
        pingshen_api::Accepted,
        pingshen_api::Reopen,
        pingshen_api::PanelMember,
        pingshen_api::PanelStatus,
        pingshen_api::PanelSummary,
        pingshen_api::ReasonRequest,
        pingshen_api::SubmitWitnessEntries,
        pingshen_api::WitnessSyncResult,
        pingshen_api::WitnessEntryReceipt,
        pingshen_api::ScreenVerdict,
        pingshen_api::ReportStatus,
        pingshen_api::ReportSignature,
        pingshen_api::SignedWithReceipt,
        pingshen_api::EvaluationPackage,
        pingshen_api::ScreenDecision,
        pingshen_api::RecordedScreenDecision,
        pingshen_api::ScreenDecisions,
        pingshen_api::Motion,
        pingshen_api::MotionKind,
        pingshen_api::MotionVote,
        pingshen_api::RecordedMotionVote,
        pingshen_api::MotionStatus,
        pingshen_api::Motions,
        pingshen_api::PanelMotion,
        pingshen_api::PanelClarification,
        pingshen_api::CreditRecordDoc,
        pingshen_api::ClarificationQuestion,
        pingshen_api::ClarificationAnswer,
        pingshen_api::RecordedAnswer,
        pingshen_api::ClarificationState,
        pingshen_api::Clarification,
        pingshen_api::Clarifications,
        pingshen_api::PanelMotionVote,
        pingshen_api::WitnessLogView,
        pingshen_api::WitnessLogEntry,
        pingshen_api::WitnessExport,
        pingshen_api::WitnessLogAttestation,
        pingshen_api::AttestedEntry,
        pingshen_api::Manifest,
        pingshen_api::ManifestFile,
        pingshen_api::FileChunks,
        pingshen_api::DocumentKind,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "platform", description = "平台状态"),
        (name = "auth", description = "数字证书登录（挑战—应答）"),
        (name = "projects", description = "项目与投标人"),
        (name = "rules", description = "评标办法（工作人员签名发布）"),
        (name = "evaluation", description = "评标：回避声明、推选组长、评分表、评审回退、汇总"),
        (name = "witness", description = "见证记录（签名、哈希链接、只增不改）"),
        (name = "documents", description = "招标/投标文件：平台签名清单与断点续传下载"),
        (name = "clarification", description = "澄清：评标组长签名提问，投标人以其数字证书签名答复，逾期不收"),
        (name = "motions", description = "表决：在席评标专家提议、签名表决，过半数通过"),
        (name = "screening", description = "串标分析：评标委员会对疑点的签名结论"),
        (name = "updates", description = "客户端更新：中心离线签名的更新清单与文件（客户端以内置公钥验证，平台不持有更新密钥）"),
        (name = "open_data", description = "开放数据：评标结束后以 OCDS 1.1 发布招标、投标与中标候选人信息（以公开促公平公正）"),
    )
)]
pub struct ApiDoc;

/// Declares the bearer-token scheme every protected route uses.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as JSON.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document. Public: clients and auditors read the contract.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "platform",
    responses((status = 200, description = "本接口的 OpenAPI 文档", content_type = "application/json")))]
pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}
