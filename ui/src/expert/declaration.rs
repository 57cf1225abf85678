//! 回避声明 and 推选组长.

use crate::confirm::ConfirmButton;
use crate::ipc;
use crate::loading::{settle, ErrorLine};
use crate::projects::BiddersTable;
use leptos::prelude::*;
use pingshen_api::ipc::{AppError, Workspace};
use pingshen_api::{DeclarationDecision, ErrorCode, DECLARATION_TEXT};

#[component]
pub fn DeclarationPanel(ws: Workspace, on_refresh: Callback<()>) -> impl IntoView {
    let project = ws.project.summary.id.clone();
    let recuse = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let vote_error = RwSignal::new(None::<AppError>);
    let delivered = |kind: &str| ws.outbox.iter().any(|o| o.kind == kind && o.delivered);
    let declaration_sent = delivered("declaration");

    let p = project.clone();
    let declare = Action::new_local(move |(): &()| {
        let p = p.clone();
        async move {
            let signed =
                ipc::declare(&p, recuse.get_untracked(), Some(reason.get_untracked())).await;
            signed?;
            match ipc::send_now().await {
                // Queued but not sent (offline): the sender will deliver it.
                Err(e) if e.code != ErrorCode::PlatformUnreachable => Err(e),
                _ => Ok(()),
            }
        }
    });
    settle(declare, on_refresh, error);
    let sign = Callback::new(move |()| {
        declare.dispatch_local(());
    });
    // A vote is signed and queued, then sent at once if the line allows.
    let p = project.clone();
    let vote: Action<String, Result<(), AppError>> =
        Action::new_local(move |candidate: &String| {
            let (p, c) = (p.clone(), candidate.clone());
            async move {
                ipc::vote_leader(&p, &c).await?;
                let _ = ipc::send_now().await;
                Ok::<(), AppError>(())
            }
        });
    Effect::new(move |_| match vote.value().get() {
        Some(Ok(())) => on_refresh.run(()),
        Some(Err(e)) => vote_error.set(Some(e)),
        None => {}
    });

    let declaration_view = match ws.declaration {
        Some(d) => view! {
            <div class="declared" id="declaration-status">
                <strong>{match d { DeclarationDecision::NoConflict => "已签署回避声明：与各投标人无利害关系", DeclarationDecision::Recuse => "已申请回避本项目" }}</strong>
                <span class="muted">{if declaration_sent { "（平台已签收）" } else { "（待发送，联网后自动提交）" }}</span>
            </div>
        }
        .into_any(),
        None => view! {
            <div class="declaration-form" id="declaration-form">
                <p class="statement">{DECLARATION_TEXT}</p>
                <label class="radio"><input type="radio" name="decision" id="no-conflict" prop:checked=move || !recuse.get() on:change=move |_| recuse.set(false) />"本人与各投标人无利害关系，参加评标"</label>
                <label class="radio"><input type="radio" name="decision" id="recuse" prop:checked=move || recuse.get() on:change=move |_| recuse.set(true) />"申请回避"</label>
                <Show when=move || recuse.get()>
                    <textarea id="recuse-reason" placeholder="请写明回避理由（如曾在某投标人任职）"
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </Show>
                <ConfirmButton id="sign-declaration".to_string() label="使用数字证书签名提交".to_string()
                    confirm_label="确认签署？提交后不可更改，再次点击确认".to_string()
                    disabled=Signal::derive(move || declare.pending().get()) on_confirm=sign />
            </div>
        }
        .into_any(),
    };

    let leader = ws.panel.as_ref().and_then(|p| p.leader.clone());
    let members = ws
        .panel
        .as_ref()
        .map(|p| p.members.clone())
        .unwrap_or_default();
    let me_voted = ws.outbox.iter().any(|o| o.kind == "leader_vote");
    let can_vote = ws.declaration == Some(DeclarationDecision::NoConflict) && !me_voted;
    let name_of = |id: &str| {
        members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let leader_text = leader
        .as_deref()
        .map(|l| format!("评标组长：{}", name_of(l)));

    view! {
        <section class="card">
            <h2>"回避声明"</h2>
            <p class="muted">"请核对本项目的投标人，确认与其均无利害关系后签署；如有利害关系，应当申请回避。"</p>
            <BiddersTable bidders=ws.project.bidders.clone() />
            {declaration_view}
            {move || error.get().map(|e| view! { <ErrorLine error=e id="declaration-error" /> })}
        </section>
        <section class="card">
            <h2>"评标委员会与推选组长"</h2>
            <p id="leader">{leader_text.unwrap_or_else(|| "尚未选出组长（须过半数委员推选）".into())}</p>
            <table class="grid" id="panel-members">
                <thead><tr><th>"委员"</th><th>"城市"</th><th>"回避声明"</th><th>"推选"</th><th>"评分表"</th><th></th></tr></thead>
                <tbody>
                    {members.iter().map(|m| {
                        let candidate = m.id.clone();
                        let on_vote = move |_| {
                            vote.dispatch_local(candidate.clone());
                        };
                        view! {
                            <tr>
                                <td>{m.name.clone()}</td>
                                <td>{m.city.clone()}</td>
                                <td>{match m.declaration { Some(DeclarationDecision::NoConflict) => "已签署", Some(DeclarationDecision::Recuse) => "已回避", None => "未签署" }}</td>
                                <td>{m.voted_for.clone().map(|v| format!("推选 {v}")).unwrap_or_default()}</td>
                                <td>{m.sheet_version.map(|v| format!("已提交第 {v} 版")).unwrap_or_else(|| "未提交".into())}</td>
                                <td>{(can_vote && m.declaration == Some(DeclarationDecision::NoConflict)).then(|| view! {
                                    <button class="link dark" id=format!("vote-{}", m.id) prop:disabled=move || vote.pending().get() on:click=on_vote>"推选为组长"</button>
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || vote_error.get().map(|e| view! { <ErrorLine error=e id="vote-error" /> })}
            {ws.panel.is_none().then(|| view! { <p class="muted">"离线：委员会状态待联网后更新。"</p> })}
        </section>
    }
}
