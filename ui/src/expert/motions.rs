//! 表决: the panel's motions with their verified votes and outcome, a vote
//! per sitting expert (signed, confirmed first), and a form to propose one.

use crate::confirm::ConfirmButton;
use crate::expert::bidder_select::BidderSelect;
use crate::format::beijing;
use crate::ipc;
use crate::loading::{loaded, ErrorLine};
use leptos::prelude::*;
use pingshen_api::ipc::{AppError, MotionDraft, MotionView, Workspace};
use pingshen_api::MotionKind;
use pingshen_rules::motion::{MotionOutcome, ACCEPT_EXPLANATION, REJECT_BID};

const KINDS: [(MotionKind, &str); 4] = [
    (MotionKind::Clarification, "clarification"),
    (MotionKind::AbnormalPrice, "abnormal_price"),
    (MotionKind::Dispute, "dispute"),
    (MotionKind::Other, "other"),
];

#[component]
pub fn MotionsPanel(ws: Workspace) -> impl IntoView {
    let project = ws.project.summary.id.clone();
    let refresh = RwSignal::new(0u32);
    let p = project.clone();
    let page = LocalResource::new(move || {
        refresh.track();
        let p = p.clone();
        async move { ipc::motions_page(&p).await }
    });
    let on_change = Callback::new(move |()| refresh.update(|n| *n += 1));
    ipc::on_event::<u64>("outbox-changed", move |_| refresh.update(|n| *n += 1));
    let p = project.clone();
    view! {
        <section class="card" id="motions">
            <div class="grid-head">
                <h2>"表决事项"</h2>
                <span class="muted">"由在席专家过半数决定；每位专家一票，签名后不可更改。结果由本机根据已核验的签名选票计算。"</span>
            </div>
            {move || loaded(page.get(), "正在加载表决事项…", on_change, |pg| {
                let p = p.clone();
                view! {
                    {pg.pending.iter().map(|d| view! {
                        <div class="motion pending" data-pending="true">
                            <strong>{d.text.clone()}</strong>
                            <span class="muted">" （已签名，待发送到平台）"</span>
                        </div>
                    }).collect_view()}
                    {if pg.motions.is_empty() && pg.pending.is_empty() {
                        view! { <p class="muted" id="motions-empty">"尚无表决事项。"</p> }.into_any()
                    } else {
                        pg.motions.into_iter().enumerate().map(|(i, m)| view! {
                            <MotionCard index=i motion=m project=p.clone() on_change=on_change />
                        }).collect_view().into_any()
                    }}
                }.into_any()
            })}
        </section>
        <ProposeForm ws=ws on_change=on_change />
    }
}

#[component]
fn MotionCard(
    index: usize,
    motion: MotionView,
    project: String,
    on_change: Callback<()>,
) -> impl IntoView {
    let error = RwSignal::new(None::<AppError>);
    let m = motion.clone();
    let vote = Action::new_local(move |option: &String| {
        let (p, id, o) = (project.clone(), m.motion_id.clone(), option.clone());
        async move {
            ipc::vote_motion(&p, &id, &o).await?;
            let _ = ipc::send_now().await;
            Ok::<(), AppError>(())
        }
    });
    Effect::new(move |_| match vote.value().get() {
        Some(Ok(())) => on_change.run(()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let state = match &motion.outcome {
        MotionOutcome::Open => "open",
        MotionOutcome::Carried { .. } => "carried",
        MotionOutcome::NoMajority { .. } => "no_majority",
    };
    let kind = motion.kind.name_zh();
    let about = motion
        .bidder_id
        .as_ref()
        .map(|b| format!(" · 投标人 {b}"))
        .unwrap_or_default();
    let mine = motion.my_vote.clone();
    let pending = motion.my_vote_pending;
    let may_vote = mine.is_none() && motion.outcome == MotionOutcome::Open;
    let rejects = motion.kind == MotionKind::AbnormalPrice
        && matches!(&motion.outcome, MotionOutcome::Carried { option } if option == REJECT_BID);
    view! {
        <div class="motion" id=format!("motion-{index}") data-state=state data-motion=motion.motion_id.clone()>
            <div class="motion-head">
                <span class="tag">{kind}</span>
                <strong class="motion-text">{motion.text.clone()}</strong>
            </div>
            <p class="muted">{format!("{} 提议于 {}{about}", motion.proposer_id, beijing(motion.proposed_at))}</p>
            <ul class="tallies">
                {motion.tallies.iter().map(|t| view! { <li>{format!("{}：{} 票", t.option, t.votes)}</li> }).collect_view()}
            </ul>
            <p class="muted" id=format!("motion-{index}-votes")>{voters(&motion)}</p>
            <p class="motion-outcome" id=format!("motion-{index}-outcome")>{motion.outcome_zh.clone()}</p>
            {rejects.then(|| view! {
                <p class="bad-text" id=format!("motion-{index}-effect")>{format!(
                    "{} 的投标被否决：按初步评审未通过处理，价格分、得分与排序已不含该投标（见评审汇总与评标报告）。",
                    motion.bidder_id.clone().unwrap_or_default()
                )}</p>
            })}
            {mine.map(|o| view! {
                <p class="muted" id=format!("motion-{index}-mine")>{format!("您的表决：{o}{}", if pending { "（已签名，待发送）" } else { "（平台已签收）" })}</p>
            })}
            {may_vote.then(|| view! {
                <div class="form-actions">
                    {motion.options.iter().enumerate().map(|(j, o)| {
                        let o2 = o.clone();
                        view! {
                            <ConfirmButton id=format!("vote-{index}-{j}") label=format!("投“{o}”")
                                confirm_label=format!("确认投“{o}”？签名后不可更改")
                                class="small" disabled=vote.pending()
                                on_confirm=Callback::new(move |()| { vote.dispatch_local(o2.clone()); }) />
                        }
                    }).collect_view()}
                </div>
            })}
            {move || error.get().map(|e| view! { <ErrorLine error=e id="motion-error" /> })}
        </div>
    }
}

/// Who voted what, and who has not voted yet.
fn voters(m: &MotionView) -> String {
    let cast: Vec<String> = m.votes.iter().map(|(v, o)| format!("{v} {o}")).collect();
    let waiting: Vec<&str> = m
        .sitting
        .iter()
        .filter(|s| !m.votes.iter().any(|(v, _)| v == *s))
        .map(String::as_str)
        .collect();
    let mut line = if cast.is_empty() {
        "尚无人表决".to_string()
    } else {
        format!("已表决：{}", cast.join("、"))
    };
    if !waiting.is_empty() {
        line.push_str(&format!("；未表决：{}", waiting.join("、")));
    }
    line
}

#[component]
fn ProposeForm(ws: Workspace, on_change: Callback<()>) -> impl IntoView {
    let project = ws.project.summary.id.clone();
    let kind = RwSignal::new("abnormal_price".to_string());
    let bidder = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    // An abnormal-price motion has fixed options (the platform acts on a
    // carried rejection); other kinds default to 同意 / 不同意.
    let fixed = format!("{ACCEPT_EXPLANATION}，{REJECT_BID}");
    let options = RwSignal::new(fixed.clone());
    let abnormal = move || kind.get() == "abnormal_price";
    Effect::new(move |_| {
        if abnormal() {
            options.set(fixed.clone());
        } else if options.get_untracked().contains(REJECT_BID) {
            options.set("同意，不同意".into());
        }
    });
    let error = RwSignal::new(None::<AppError>);
    let propose = Action::new_local(move |draft: &MotionDraft| {
        let (p, d) = (project.clone(), draft.clone());
        async move {
            ipc::propose_motion(&p, &d).await?;
            let _ = ipc::send_now().await;
            Ok::<(), AppError>(())
        }
    });
    Effect::new(move |_| match propose.value().get() {
        Some(Ok(())) => {
            text.set(String::new());
            error.set(None);
            on_change.run(());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move || {
        let kind = KINDS
            .iter()
            .find(|(_, k)| *k == kind.get_untracked())
            .map(|(k, _)| *k)
            .unwrap_or(MotionKind::Other);
        let draft = MotionDraft {
            kind,
            bidder_id: Some(bidder.get_untracked()).filter(|b| !b.is_empty()),
            text: text.get_untracked(),
            options: options
                .get_untracked()
                .split(['，', ',', '、', '/'])
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect(),
        };
        propose.dispatch_local(draft);
    };
    let bidders = ws.project.bidders.clone();
    view! {
        <section class="card" id="propose-motion-form">
            <h2>"提请表决"</h2>
            <div class="witness-fields">
                <label>"事项类别"
                    <select id="motion-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        {KINDS.iter().map(|(k, v)| view! { <option value=*v prop:selected=move || kind.get() == *v>{k.name_zh()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{move || if abnormal() { "涉及投标人（必选）" } else { "涉及投标人（可选）" }}
                    <BidderSelect id="motion-bidder" bidders=bidders.clone() value=bidder />
                </label>
                <label>"选项（用逗号分隔）"
                    <input id="motion-options" prop:value=move || options.get() prop:disabled=abnormal
                        on:input=move |ev| options.set(event_target_value(&ev)) />
                </label>
            </div>
            <textarea id="motion-text" rows="3" placeholder="写明需评标委员会表决的事项，例如：是否采纳某投标人对其报价的书面说明。"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="form-actions">
                <button class="primary" id="propose-motion" disabled=move || propose.pending().get() on:click=move |_| submit()>
                    {move || if propose.pending().get() { "正在签名…" } else { "使用数字证书签名并提请表决" }}
                </button>
            </div>
            {move || error.get().map(|e| view! { <ErrorLine error=e id="propose-error" /> })}
        </section>
    }
}
