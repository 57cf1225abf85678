//! 评标报告: once every member has submitted, the platform renders the
//! report; each expert reads it here, then signs its SHA-256. The shell
//! keeps the bytes shown in the viewer and signs only if they hash to the
//! value stated, so what is signed is what was read.

use crate::confirm::ConfirmButton;
use crate::expert::viewer::{Open, Viewer};
use crate::format::beijing;
use crate::ipc;
use crate::loading::ErrorLine;
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::{AppError, SavedReport, ViewedReport, Workspace};
use pingshen_api::ErrorCode;

#[component]
pub fn ReportCard(ws: Workspace) -> impl IntoView {
    let project = ws.project.summary.id.clone();
    let me = ws.me.clone();
    let reload = RwSignal::new(0u32);
    let p = project.clone();
    let status = LocalResource::new(move || {
        reload.track();
        let p = p.clone();
        async move { ipc::report_status(&p).await }
    });
    let saved = RwSignal::new(None::<Result<SavedReport, AppError>>);
    let viewed = RwSignal::new(None::<ViewedReport>);
    let error = RwSignal::new(None::<AppError>);
    let p = project.clone();
    let save = move |_| {
        let p = p.clone();
        spawn_local(async move { saved.set(Some(ipc::save_report(&p).await)) });
    };
    let p = project.clone();
    let read = move |_| {
        let p = p.clone();
        spawn_local(async move {
            match ipc::open_report(&p).await {
                Ok(v) => {
                    error.set(None);
                    viewed.set(Some(v));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let viewer_project = project.clone();
    view! {
        <section class="card" id="report-card">
            <h2>"评标报告"</h2>
            {move || match status.get() {
                None => view! { <p class="loading">"正在查询…"</p> }.into_any(),
                Some(Err(e)) if e.code == ErrorCode::PanelIncomplete => view! {
                    <p class="muted" id="report-pending">"全体委员提交评分表后，平台生成评标报告，各委员阅读后签名确认。"</p>
                }.into_any(),
                Some(Err(e)) => view! { <ErrorLine error=e /> }.into_any(),
                Some(Ok(s)) => {
                    let signed_by_me = s.signed_by.contains(&me);
                    let sha = s.sha256.clone();
                    let p = project.clone();
                    let sign = Callback::new(move |()| {
                        let (p, sha) = (p.clone(), sha.clone());
                        spawn_local(async move {
                            match ipc::sign_report(&p, &sha).await {
                                Ok(_) => {
                                    error.set(None);
                                    let _ = ipc::send_now().await;
                                    reload.update(|n| *n += 1);
                                }
                                Err(e) => error.set(Some(e)),
                            }
                        });
                    });
                    let stated = s.sha256.clone();
                    view! {
                        <table class="report-facts">
                            <tr><th>"生成时间"</th><td>{beijing(s.generated_at)}</td></tr>
                            <tr><th>"平台公布的 SHA-256"</th><td class="mono" id="report-sha">{s.sha256.clone()}</td></tr>
                            {move || viewed.get().map(|v| {
                                let same = v.sha256 == stated;
                                view! {
                                    <tr><th>"您阅读的文件 SHA-256"</th>
                                        <td class="mono" id="report-viewed-sha" class:mismatch=!same>{v.sha256.clone()}
                                            {(!same).then(|| view! { <strong class="error-line" id="report-mismatch">" 与平台公布的不一致：不能签名"</strong> })}
                                        </td></tr>
                                }
                            })}
                            <tr><th>"已签名委员"</th><td id="report-signers">{if s.signed_by.is_empty() { "尚无".to_string() } else { s.signed_by.join("、") }}</td></tr>
                            <tr><th>"状态"</th><td id="report-state">{if s.complete { "全体委员已签名确认" } else { "待全体委员签名" }}</td></tr>
                        </table>
                        <div class="form-actions">
                            <button class="small" id="read-report" on:click=read.clone()>"阅读评标报告"</button>
                            <button class="small" id="save-report" on:click=save.clone()>"保存评标报告到本机"</button>
                            {if signed_by_me {
                                view! { <span class="ok-line" id="report-signed">"您已签名确认本报告。"</span> }.into_any()
                            } else {
                                view! {
                                    <Show when=move || viewed.get().is_some()
                                        fallback=|| view! { <span class="muted" id="report-read-first">"阅读报告后方可签名确认"</span> }>
                                        <ConfirmButton id="sign-report".to_string() label="阅读后签名确认评标报告".to_string()
                                            confirm_label="确认报告内容无误？再次点击签名".to_string() on_confirm=sign />
                                    </Show>
                                }.into_any()
                            }}
                        </div>
                    }.into_any()
                }
            }}
            {move || saved.get().map(|r| match r {
                Ok(s) => view! { <p class="muted" id="report-saved">{match &s.package_path {
                    Some(package) => format!("已保存：{}（档案包：{package}）", s.pdf_path),
                    None => format!("已保存：{}", s.pdf_path),
                }}</p> }.into_any(),
                Err(e) => view! { <ErrorLine error=e /> }.into_any(),
            })}
            {move || error.get().map(|e| view! { <ErrorLine error=e id="report-error" /> })}
            {move || viewed.get().map(|v| view! {
                <Viewer project=viewer_project.clone()
                    open=Open { file_id: v.file_id.clone(), name: "评标报告".into(), size: None, page: 1, term: None }
                    pane="report" notes=RwSignal::new(Vec::new()) />
            })}
        </section>
    }
}
