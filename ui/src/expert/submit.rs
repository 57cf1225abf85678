//! Sign and submit: completeness check, signing, the outbox with the
//! platform's receipts, new versions after a reopening or for deviation
//! reasons.

use crate::confirm::ConfirmButton;
use crate::format::beijing;
use crate::ipc;
use crate::loading::{settle, ErrorLine};
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::{AppError, Workspace};
use pingshen_rules::cells::{build_sheet, Cell, DEVIATION};
use pingshen_rules::Rules;

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "declaration" => "回避声明",
        "leader_vote" => "组长推选票",
        "score_sheet" => "评分表",
        "report_signature" => "评标报告签名",
        _ => "签名文件",
    }
}

#[component]
pub fn SubmitPanel(ws: Workspace, on_refresh: Callback<()>) -> impl IntoView {
    let project = ws.project.summary.id.clone();
    let error = RwSignal::new(None::<AppError>);
    let rules = ws
        .rules
        .as_ref()
        .and_then(|r| Rules::from_toml(&r.toml).ok());
    let bidders: Vec<String> = ws.project.bidders.iter().map(|b| b.id.clone()).collect();
    let cells: &[Cell] = &ws.cells;
    let problems: Vec<String> = match &rules {
        None => vec!["尚未取得评标办法".into()],
        Some(r) => {
            let sheet = build_sheet(r, &ws.me, &bidders, cells);
            match pingshen_rules::validate_sheet_for(r, &sheet, &bidders) {
                Ok(()) => vec![],
                Err(e) => {
                    e.0.into_iter()
                        .map(|d| format!("{}（{}）", d.message_zh, d.path))
                        .collect()
                }
            }
        }
    };
    let complete = problems.is_empty();
    let me = ws
        .panel
        .as_ref()
        .and_then(|p| p.members.iter().find(|m| m.id == ws.me).cloned());
    let may_resubmit = me.as_ref().is_some_and(|m| m.may_resubmit);
    let reasons = me.map(|m| m.reasons_required).unwrap_or_default();

    let p = project.clone();
    let signing = Action::new_local(move |(): &()| {
        let p = p.clone();
        async move {
            ipc::submit_sheet(&p).await?;
            // Queued and signed: try to deliver now; offline it waits.
            let _ = ipc::send_now().await;
            Ok(())
        }
    });
    let p = project.clone();
    let revising = Action::new_local(move |(): &()| {
        let p = p.clone();
        async move { ipc::begin_revision(&p).await.map(|_| ()) }
    });
    settle(signing, on_refresh, error);
    settle(revising, on_refresh, error);
    let submit = Callback::new(move |()| {
        error.set(None);
        signing.dispatch_local(());
    });
    let revise = move |_| {
        revising.dispatch_local(());
    };
    let latest_receipt = ws
        .outbox
        .iter()
        .filter(|o| o.kind == "score_sheet")
        .last()
        .cloned();
    let p = project.clone();

    view! {
        <section class="card">
            <h2>{format!("评分表（第 {} 版）", ws.sheet_version)}</h2>
            {if ws.sheet_editable {
                view! {
                    {if complete {
                        view! { <p class="ok-line" id="sheet-complete">"评分表已填写完整，符合评标办法，可以签名提交。"</p> }.into_any()
                    } else {
                        view! {
                            <div class="problems" id="sheet-problems">
                                <p><strong>{format!("尚有 {} 处需要完善：", problems.len())}</strong></p>
                                <ul>{problems.iter().take(30).map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                            </div>
                        }.into_any()
                    }}
                    <ConfirmButton id="submit-sheet".to_string() label="使用数字证书签名提交".to_string()
                        confirm_label="签名后本版不可修改，确认提交？".to_string()
                        disabled=Signal::derive(move || signing.pending().get() || !complete) on_confirm=submit />
                }.into_any()
            } else {
                view! {
                    <p id="sheet-submitted">{format!("第 {} 版评分表已签名提交。", ws.sheet_version)}</p>
                    {may_resubmit.then(|| view! { <button class="primary" id="begin-revision" prop:disabled=move || revising.pending().get() on:click=revise>{format!("开始修改（第 {} 版）", ws.sheet_version + 1)}</button> })}
                }.into_any()
            }}
            {move || error.get().map(|e| view! { <ErrorLine error=e id="submit-error" /> })}
        </section>
        {(!reasons.is_empty()).then(|| view! {
            <section class="card">
                <h2>"偏离说明"</h2>
                <p class="notice">"以下评分偏离全体评委平均分超过评标办法规定的比例，须书面说明理由，随下一版评分表签名提交。"</p>
                {reasons.iter().map(|r| {
                    let (b, f, pj) = (r.bidder.clone(), r.factor.clone(), p.clone());
                    view! { <div class="reason-request">
                        <p>{r.message.clone()}</p>
                        <textarea id=format!("deviation-{}-{}", r.bidder, r.factor) placeholder="说明理由"
                            on:change=move |ev| {
                                let cell = Cell { kind: DEVIATION.into(), bidder: b.clone(), item: f.clone(), value: String::new(), reason: event_target_value(&ev) };
                                let pj = pj.clone();
                                spawn_local(async move { let _ = ipc::save_cell(&pj, &cell).await; });
                            }></textarea>
                    </div> }
                }).collect_view()}
            </section>
        })}
        <section class="card">
            <h2>"提交记录与平台回执"</h2>
            {latest_receipt.map(|o| match (&o.refused, o.received_at) {
                (Some(r), _) => view! { <p class="error-line" id="sheet-refused" data-code=r.code.to_string()>
                    {format!("平台拒收了这份评分表：{}（{}）。评分表已重新开放，请核对后重新签名提交；被拒收的签名文件仍保存在本机，可导出。", r.message, r.code)}
                </p> }.into_any(),
                (None, Some(t)) => view! { <p class="ok-line" id="receipt">{format!("评分表已送达平台，平台签名回执已验证（签收时间 {}）。", beijing(t))}</p> }.into_any(),
                (None, None) => view! { <p class="notice" id="receipt-pending">"评分表已签名，等待发送到平台（联网后自动发送，不会重复提交）。"</p> }.into_any(),
            })}
            <table class="grid" id="outbox">
                <thead><tr><th>"内容"</th><th>"提交编号"</th><th>"签名时间"</th><th>"状态"</th><th></th></tr></thead>
                <tbody>{ws.outbox.iter().map(|o| {
                    let (pj, id) = (project.clone(), o.submission_id.clone());
                    let exported = RwSignal::new(None::<Result<String, AppError>>);
                    let export = move |_| {
                        let (pj, id) = (pj.clone(), id.clone());
                        spawn_local(async move { exported.set(Some(ipc::export_submission(&pj, &id).await)) });
                    };
                    view! {
                    <tr class="outbox-row" data-kind=o.kind.clone() data-delivered=o.delivered.to_string()
                        data-refused=o.refused.is_some().to_string()>
                        <td>{kind_label(&o.kind)}</td>
                        <td><code>{o.submission_id.chars().take(13).collect::<String>()}</code></td>
                        <td>{beijing(o.created_at)}</td>
                        <td>{match (&o.refused, o.delivered, o.received_at) {
                            (Some(r), _, _) => format!("平台拒收：{}（{}）", r.message, r.code),
                            (None, true, Some(t)) => format!("已送达 · 回执 {}", beijing(t)),
                            (None, true, None) => "已送达".to_string(),
                            (None, false, _) => match &o.last_error {
                                Some(code) => format!("待发送（已尝试 {} 次：{}）", o.attempts, code),
                                None => "待发送".to_string(),
                            },
                        }}</td>
                        <td>
                            <button class="link dark small" id=format!("export-{}", o.submission_id) on:click=export>"导出"</button>
                            {move || exported.get().map(|r| match r {
                                Ok(path) => view! { <span class="muted export-path">{path}</span> }.into_any(),
                                Err(e) => view! { <span class="error-line">{e.message.clone()}</span> }.into_any(),
                            })}
                        </td>
                    </tr>
                }}).collect_view()}</tbody>
            </table>
        </section>
    }
}
