//! 澄清: the panel's written questions to bidders with their deadlines, the
//! bidders' signed answers (verified on this machine) and the answer
//! document opened in the viewer beside its question; the leader's form to
//! ask one.

use crate::expert::bidder_select::BidderSelect;
use crate::expert::viewer::{Open, Viewer};
use crate::format::beijing;
use crate::ipc;
use crate::loading::{loaded, ErrorLine};
use leptos::prelude::*;
use pingshen_api::ipc::{AppError, ClarificationView, QuestionDraft, Workspace};
use pingshen_api::ClarificationState;

#[component]
pub fn ClarificationPanel(ws: Workspace) -> impl IntoView {
    let project = ws.project.summary.id.clone();
    let refresh = RwSignal::new(0u32);
    let p = project.clone();
    let page = LocalResource::new(move || {
        refresh.track();
        let p = p.clone();
        async move { ipc::clarification_page(&p).await }
    });
    let on_change = Callback::new(move |()| refresh.update(|n| *n += 1));
    ipc::on_event::<u64>("outbox-changed", move |_| refresh.update(|n| *n += 1));
    let is_leader = ws
        .panel
        .as_ref()
        .and_then(|p| p.leader.as_deref())
        .is_some_and(|l| l == ws.me);
    let p = project.clone();
    view! {
        <section class="card" id="clarifications">
            <div class="grid-head">
                <h2>"澄清"</h2>
                <span class="muted">"评标委员会以书面形式要求投标人澄清；答复须由投标人以数字证书签名，逾期不予接收，且不得超出投标文件范围或改变其实质性内容。"</span>
            </div>
            {move || loaded(page.get(), "正在加载澄清记录…", on_change, |pg| {
                let p = p.clone();
                view! {
                    {pg.pending.iter().map(|d| view! {
                        <div class="motion pending"><strong>{format!("致 {}：{}", d.bidder_id, d.text)}</strong>
                            <span class="muted">" （已签名，待发送到平台）"</span></div>
                    }).collect_view()}
                    {if pg.items.is_empty() && pg.pending.is_empty() {
                        view! { <p class="muted" id="clarifications-empty">"尚未发出澄清问题。"</p> }.into_any()
                    } else {
                        pg.items.into_iter().enumerate().map(|(i, c)| view! {
                            <QuestionCard index=i item=c project=p.clone() />
                        }).collect_view().into_any()
                    }}
                }.into_any()
            })}
        </section>
        <AbnormalPrices ws=ws.clone() />
        {is_leader.then(|| view! {
            <AskForm ws=ws.clone() on_change=on_change />
        })}
    }
}

#[component]
fn QuestionCard(index: usize, item: ClarificationView, project: String) -> impl IntoView {
    let state = match item.state {
        ClarificationState::Awaiting => "awaiting",
        ClarificationState::Answered => "answered",
        ClarificationState::Expired => "expired",
    };
    let status = match item.state {
        ClarificationState::Awaiting => format!("等待答复（截止 {}）", beijing(item.deadline)),
        ClarificationState::Answered => "已答复".to_string(),
        ClarificationState::Expired => {
            format!("已过截止时间（{}），未收到答复", beijing(item.deadline))
        }
    };
    let asker = if item.asked_by == pingshen_api::PLATFORM_ASKER {
        pingshen_api::PLATFORM_ASKER_ZH.to_string()
    } else {
        format!("组长 {}", item.asked_by)
    };
    // The answer document opens after a sync brings it into the verified,
    // encrypted cache.
    let open = RwSignal::new(None::<Open>);
    let error = RwSignal::new(None::<AppError>);
    let viewer_project = project.clone();
    let opening = Action::new_local(move |file_id: &String| {
        let (p, f) = (project.clone(), file_id.clone());
        async move {
            ipc::sync_project(&p).await?;
            Ok::<_, AppError>(Open {
                file_id: f,
                name: "澄清答复".into(),
                size: None,
                page: 1,
                term: None,
            })
        }
    });
    Effect::new(move |_| match opening.value().get() {
        Some(Ok(o)) => open.set(Some(o)),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    view! {
        <div class="motion" id=format!("clarification-{index}") data-state=state>
            <div class="motion-head">
                <span class="tag">{format!("致 {}", item.bidder_id)}</span>
                <strong class="motion-text">{item.text.clone()}</strong>
            </div>
            <p class="muted">{format!("{} 发出于 {}", asker, beijing(item.asked_at))}</p>
            <p class="motion-outcome" id=format!("clarification-{index}-state")>{status}</p>
            {item.answer.clone().map(|a| {
                let file = a.file_id.clone();
                view! {
                    <div class="answer" id=format!("clarification-{index}-answer")>
                        <p><strong>"答复："</strong>{a.text.clone()}</p>
                        <p class="muted">{format!("{} 以数字证书签名，平台签收于 {}（签名与回执已核验）", a.signer, beijing(a.received_at))}</p>
                        <button class="small" id=format!("clarification-{index}-open") disabled=move || opening.pending().get()
                            on:click=move |_| { opening.dispatch_local(file.clone()); }>
                            {move || if opening.pending().get() { "正在同步…" } else { "打开澄清答复文件" }}
                        </button>
                    </div>
                }
            })}
            {move || error.get().map(|e| view! { <ErrorLine error=e /> })}
            {move || open.get().map(|o| view! {
                <Viewer project=viewer_project.clone() open=o
                    pane="clarification" notes=RwSignal::new(Vec::new()) />
            })}
        </div>
    }
}

/// The bids the rules' `[abnormally_low]` triggers flag at the opening
/// prices (bids above the ceiling left out), each with its computation: the
/// same function the platform opens the reviews with and the auditor checks
/// them by.
fn abnormal_reviews(ws: &Workspace) -> Vec<(String, String)> {
    let Some(rules) = ws
        .rules
        .as_ref()
        .and_then(|r| pingshen_rules::Rules::from_toml(&r.toml).ok())
    else {
        return Vec::new();
    };
    let Some(section) = &rules.abnormally_low else {
        return Vec::new();
    };
    pingshen_rules::abnormal_at_opening(
        section,
        ws.project
            .bidders
            .iter()
            .map(|b| (b.id.as_str(), b.bid_price)),
        ws.project.summary.ceiling_price,
    )
    .into_iter()
    .map(|r| {
        let why = pingshen_rules::abnormal_why(&r);
        (r.bidder, why)
    })
    .collect()
}

/// Signs and queues a question, then sends what is queued at once if the
/// line allows (otherwise the sender delivers it later).
fn ask_action(project: String) -> Action<QuestionDraft, Result<(), AppError>> {
    Action::new_local(move |draft: &QuestionDraft| {
        let (p, d) = (project.clone(), draft.clone());
        async move {
            ipc::ask_clarification(&p, &d).await?;
            let _ = ipc::send_now().await;
            Ok::<(), AppError>(())
        }
    })
}

/// Every expert sees which prices the rules flag and why; the platform
/// asks those bidders itself once the panel has a leader, and the panel
/// decides in a vote.
#[component]
fn AbnormalPrices(ws: Workspace) -> impl IntoView {
    let reviews = abnormal_reviews(&ws);
    if reviews.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="card" id="abnormal-prices">
            <h2>"异常低价审查"</h2>
            <p class="muted">"按开标价和评标办法的异常低价启动条件计算（超过最高投标限价的不计）。评标组长选出后，平台即自动向下列投标人发出书面说明要求（见上方澄清记录）；收到说明或期限届满后，由评标委员会在「表决」中决定采纳说明或否决其投标。"</p>
            {reviews.into_iter().map(|(bidder, why)| view! {
                <div class="motion" id=format!("abnormal-{bidder}")>
                    <p><strong>{bidder.clone()}</strong>{format!("：{why}")}</p>
                </div>
            }).collect_view()}
        </section>
    }
    .into_any()
}

#[component]
fn AskForm(ws: Workspace, on_change: Callback<()>) -> impl IntoView {
    let project = ws.project.summary.id.clone();
    let bidder = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let hours = RwSignal::new(24u32);
    let error = RwSignal::new(None::<AppError>);
    let asking = ask_action(project);
    Effect::new(move |_| match asking.value().get() {
        Some(Ok(())) => {
            text.set(String::new());
            error.set(None);
            on_change.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let bidders = ws.project.bidders.clone();
    view! {
        <section class="card" id="ask-clarification-form">
            <h2>"发出澄清问题（评标组长）"</h2>
            <div class="witness-fields">
                <label>"投标人"
                    <BidderSelect id="clarification-bidder" bidders=bidders.clone() value=bidder />
                </label>
                <label>"答复期限"
                    <select id="clarification-hours" on:change=move |ev| hours.set(event_target_value(&ev).parse().unwrap_or(24))>
                        {[1u32, 2, 4, 24, 48].into_iter().map(|h| view! {
                            <option value=h.to_string() prop:selected=move || hours.get() == h>{format!("{h} 小时")}</option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <textarea id="clarification-text" rows="3" placeholder="写明需澄清的内容：投标文件中含义不明确的内容、明显文字或者计算错误。不得暗示或诱导投标人作出澄清。"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="form-actions">
                <button class="primary" id="ask-clarification" disabled=move || asking.pending().get() || bidder.get().is_empty()
                    on:click=move |_| {
                        asking.dispatch_local(QuestionDraft { bidder_id: bidder.get_untracked(), text: text.get_untracked(), hours: hours.get_untracked() });
                    }>
                    {move || if asking.pending().get() { "正在签名…" } else { "使用数字证书签名并发出" }}
                </button>
            </div>
            {move || error.get().map(|e| view! { <ErrorLine error=e id="ask-error" /> })}
        </section>
    }
}
