//! The witness expert's workspace (见证专家): the projects they witness,
//! then a logging screen built for a live session — keyboard first
//! (Ctrl+Enter signs and records), templates for common entries, the
//! platform's time shown with the clock offset applied.

mod attachments;
mod log;

use crate::ipc;
use crate::loading::{loaded, ErrorLine};
use crate::projects::{ListWords, MyProjects};
use leptos::prelude::*;
use leptos::task::spawn_local;
use pingshen_api::ipc::{AppError, WitnessDraft, WitnessPage, WitnessUpload};

#[component]
pub fn WitnessHome() -> impl IntoView {
    let open = RwSignal::new(None::<String>);
    move || match open.get() {
        None => view! { <MyProjects open=open words=WORDS /> }.into_any(),
        Some(p) => view! { <WitnessProject project=p open=open /> }.into_any(),
    }
}

const WORDS: ListWords = ListWords {
    title: "我的见证项目",
    empty_title: "暂无见证项目",
    empty_online: "您目前没有被指派见证的项目。",
    button_prefix: "witness-open-",
    button_label: "进入见证",
    show_sync: false,
};

/// Stages and categories as signed (snake_case) with their labels.
const STAGES: [(&str, &str); 6] = [
    ("opening", "开标"),
    ("preparation", "评标准备"),
    ("preliminary_review", "初步评审"),
    ("detailed_review", "详细评审"),
    ("summary", "汇总"),
    ("other", "其他"),
];
const CATEGORIES: [(&str, &str); 7] = [
    ("normal", "正常"),
    ("expert_late", "专家迟到"),
    ("communication_device", "使用通讯设备"),
    ("private_conversation", "私下交流"),
    ("review_overtime", "评审超时"),
    ("system_failure", "系统故障"),
    ("other", "其他"),
];
/// Common entries: (label, category, text).
const TEMPLATES: [(&str, &str, &str); 5] = [
    (
        "按时开始",
        "normal",
        "评标委员会成员全部到场，评标按时开始，秩序正常。",
    ),
    ("专家迟到", "expert_late", "评标专家 迟到 分钟到场。"),
    (
        "使用手机",
        "communication_device",
        "评审期间发现评标专家 使用手机，已提醒其交由工作人员保管。",
    ),
    (
        "私下交流",
        "private_conversation",
        "评审期间发现评标专家 与 私下交流，已当场制止。",
    ),
    (
        "系统故障",
        "system_failure",
        "评标系统出现故障，现象： ，已通知技术人员处理。",
    ),
];

#[component]
fn WitnessProject(project: String, open: RwSignal<Option<String>>) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let pid = project.clone();
    let page = LocalResource::new(move || {
        refresh.track();
        let pid = pid.clone();
        async move { ipc::witness_page(&pid).await }
    });
    let on_refresh = Callback::new(move |()| refresh.update(|n| *n += 1));
    ipc::on_event::<bool>("back-online", move |_| refresh.update(|n| *n += 1));

    view! {
        <div class="workspace witness">
            <div class="workspace-head">
                <button class="link dark" id="back-to-projects" on:click=move |_| open.set(None)>"← 返回项目列表"</button>
                {move || page.get().and_then(|r| r.ok()).map(|p: WitnessPage| view! {
                    <h1 id="project-title">{p.project.summary.name.clone()}</h1>
                    <span class="muted">{format!("{} · {} · 见证记录", p.project.summary.id, p.project.summary.stage.label_zh())}</span>
                    {(!p.online).then(|| view! { <span class="offline-tag" id="offline-tag">"离线：记录照常签名保存，联网后按顺序同步"</span> })}
                })}
            </div>
            {move || loaded(page.get(), "正在加载…", on_refresh, |p| {
                view! { <EntryForm project=project.clone() page=p on_refresh=on_refresh /> }.into_any()
            })}
        </div>
    }
}

/// The platform's time, ticking each second: what an entry signed now is
/// stamped with (this machine's clock corrected by the measured offset).
#[component]
fn PlatformClock(offset_ms: Option<i64>) -> impl IntoView {
    let offset = offset_ms;
    // The platform's time, ticking: what the entry will be stamped with.
    let now = RwSignal::new(js_sys::Date::now());
    {
        let tick = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            now.set(js_sys::Date::now())
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_interval_with_callback_and_timeout_and_arguments_0(
                wasm_bindgen::JsCast::unchecked_ref(tick.as_ref()),
                1000,
            );
        }
        tick.forget();
    }
    let platform_time = move || {
        let ms = now.get() + offset.unwrap_or(0) as f64;
        let t = time::OffsetDateTime::from_unix_timestamp_nanos((ms as i128) * 1_000_000)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        format!("{}", beijing_seconds(t))
    };
    let offset_text = match offset {
        Some(ms) if ms.abs() < 1000 => format!("平台时间（本机时钟偏差 {ms:+} 毫秒，已校正）"),
        Some(ms) => format!(
            "平台时间（本机时钟偏差 {:+.1} 秒，已校正）",
            ms as f64 / 1000.0
        ),
        None => "本机时间（尚未与平台对时：联网后校正）".to_string(),
    };

    view! {
        <span class="clock" id="witness-clock" title=offset_text.clone()>{platform_time}<span class="muted">{format!(" · {offset_text}")}</span></span>
    }
}

#[component]
fn EntryForm(project: String, page: WitnessPage, on_refresh: Callback<()>) -> impl IntoView {
    let stage = RwSignal::new(default_stage(&page));
    let category = RwSignal::new("normal".to_string());
    let text = RwSignal::new(String::new());
    let corrects = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<WitnessUpload>::new());
    // Signing and recording one entry; the list then shows what the store holds.
    let p = project.clone();
    let recording = Action::new_local(move |draft: &WitnessDraft| {
        let (p, draft) = (p.clone(), draft.clone());
        async move {
            ipc::witness_record(&p, &draft).await?;
            Ok::<_, AppError>(ipc::witness_page(&p).await.ok())
        }
    });
    let busy = recording.pending();
    let error = RwSignal::new(None::<AppError>);
    let entries = RwSignal::new(page.entries.clone());
    // Waiting entries are the ones the platform has not acknowledged.
    let unsynced = move || entries.with(|e| e.iter().filter(|e| e.synced_at.is_none()).count());
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        if text.get_untracked().trim().is_empty() {
            error.set(Some(AppError::new("empty_text", "请填写见证内容")));
            return;
        }
        let draft = WitnessDraft {
            stage: stage.get_untracked(),
            category: category.get_untracked(),
            text: text.get_untracked(),
            attachments: files.get_untracked(),
            corrects: Some(corrects.get_untracked()).filter(|c| !c.is_empty()),
        };
        error.set(None);
        recording.dispatch_local(draft);
    };
    Effect::new(move |_| match recording.value().get() {
        Some(Ok(fresh)) => {
            text.set(String::new());
            files.set(Vec::new());
            corrects.set(String::new());
            category.set("normal".into());
            if let Some(fresh) = fresh {
                entries.set(fresh.entries);
            }
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit_key = submit.clone();
    let p = project.clone();
    let sync_now = move |_| {
        let p = p.clone();
        spawn_local(async move {
            match ipc::witness_sync(&p).await {
                Ok(_) => on_refresh.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    view! {
        <section class="card witness-form" id="witness-form">
            <div class="grid-head">
                <h2>"新增见证记录"</h2>
                <PlatformClock offset_ms=page.clock_offset_ms />
            </div>
            <div class="templates" id="witness-templates">
                <span class="muted">"常用："</span>
                {TEMPLATES.iter().enumerate().map(|(i, (label, cat, body))| view! {
                    <button class="small" id=format!("template-{i}") on:click=move |_| {
                        category.set(cat.to_string());
                        text.set(body.to_string());
                        focus("witness-text");
                    }>{*label}</button>
                }).collect_view()}
            </div>
            <div class="witness-fields">
                <label>"阶段"
                    <select id="witness-stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                        {STAGES.iter().map(|(v, l)| view! { <option value=*v prop:selected=move || stage.get() == *v>{*l}</option> }).collect_view()}
                    </select>
                </label>
                <label>"类别"
                    <select id="witness-category" on:change=move |ev| category.set(event_target_value(&ev))>
                        {CATEGORIES.iter().map(|(v, l)| view! { <option value=*v prop:selected=move || category.get() == *v>{*l}</option> }).collect_view()}
                    </select>
                </label>
                <label>"更正第几条（可选）"
                    <select id="witness-corrects" on:change=move |ev| corrects.set(event_target_value(&ev))>
                        <option value="" prop:selected=move || corrects.get().is_empty()>"—"</option>
                        {move || entries.get().into_iter().map(|e| {
                            let id = e.entry_id.clone();
                            let id2 = id.clone();
                            view! { <option value=id prop:selected=move || corrects.get() == id2>{format!("第 {} 条", e.seq)}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <textarea id="witness-text" rows="4" placeholder="记录所见事实：时间、人员、经过。Ctrl+Enter 签名保存。"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                        ev.prevent_default();
                        submit_key();
                    }
                }></textarea>
            <attachments::AttachmentPicker files=files error=error />
            <div class="form-actions">
                <button class="primary" id="witness-record" disabled=move || busy.get() on:click=move |_| submit()>
                    {move || if busy.get() { "正在签名…" } else { "使用数字证书签名保存（Ctrl+Enter）" }}
                </button>
                <span class="muted">"记录一经签名不可修改；如需更正，请新增一条更正记录。"</span>
            </div>
            {move || error.get().map(|e| view! { <ErrorLine error=e id="witness-error" /> })}
        </section>
        <section class="card">
            <div class="grid-head">
                <h2>"见证记录"</h2>
                <span id="witness-sync-state">{move || match unsynced() {
                    0 => "全部已同步到平台".to_string(),
                    n => format!("{n} 条待同步（联网后按顺序发送）"),
                }}</span>
                <button class="small" id="witness-sync" on:click=sync_now>"立即同步"</button>
            </div>
            <log::LogTable entries=entries />
        </section>
        <ReportCard project=project />
    }
}

/// 见证报告: every entry in a PDF whose hash the witness signs.
#[component]
fn ReportCard(project: String) -> impl IntoView {
    let making = Action::new_local(move |(): &()| {
        let p = project.clone();
        async move { ipc::witness_report(&p).await }
    });
    // The last report's outcome, not shown while the next one is made.
    let report = move || {
        (!making.pending().get())
            .then(|| making.value().get())
            .flatten()
    };
    view! {
        <section class="card">
            <div class="grid-head">
                <h2>"见证报告"</h2>
                <button class="primary" id="witness-report" prop:disabled=move || making.pending().get()
                    on:click=move |_| { making.dispatch_local(()); }>"生成见证报告并签名"</button>
            </div>
            <p class="muted">"汇总全部见证记录生成 PDF，并以数字证书对其哈希签名；签名文件与报告一同保存。"</p>
            {move || report().map(|r| match r {
                Ok(info) => view! {
                    <div class="ok-line" id="witness-report-done">
                        <p>{format!("已生成并签名（{} 条记录）：{}", info.entries, info.pdf_path)}</p>
                        <p class="muted">{format!("签名文件：{} · SHA-256 {}", info.signature_path, info.sha256)}</p>
                    </div>
                }.into_any(),
                Err(e) => view! { <ErrorLine error=e id="witness-report-error" /> }.into_any(),
            })}
        </section>
    }
}

/// The stage that fits the project's stage, so most entries need no choice.
fn default_stage(page: &WitnessPage) -> String {
    use pingshen_api::Stage;
    match page.project.summary.stage {
        Stage::Preparing => "preparation",
        Stage::Evaluating => "preliminary_review",
        Stage::Summary => "summary",
        _ => "other",
    }
    .to_string()
}

fn focus(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

pub(crate) use crate::format::beijing_seconds;
