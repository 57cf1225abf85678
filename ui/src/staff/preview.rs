//! Price preview (价格试算): the draft's price method run by
//! `pingshen-rules` on sample prices — the project's bids as read out at
//! opening, editable — with each bid's score and the Chinese explanation.

use crate::format::yuan;
use crate::staff::draft::Draft;
use leptos::prelude::*;
use pingshen_api::ProjectDetail;
use pingshen_rules::dec::parse_decimal;
use pingshen_rules::{
    compute_prices, BenchmarkTrace, BidStatus, Decimal, Diagnostic, KRule, PriceInput, PriceMethod,
    PriceOutcome, PriceRequest, Rules, ScoreTrace,
};

/// Most K values offered in the list; a finer step is typed into the file.
const MAX_K_CHOICES: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct SampleBid {
    pub bidder: String,
    pub name: String,
    pub price: String,
    pub valid: bool,
}

/// The sample prices, kept while the person moves between tabs.
#[derive(Clone, Copy)]
pub struct PreviewInputs {
    pub bids: RwSignal<Vec<SampleBid>>,
    pub ceiling: RwSignal<String>,
    pub k: RwSignal<String>,
}

impl PreviewInputs {
    pub fn new() -> Self {
        PreviewInputs {
            bids: RwSignal::new(Vec::new()),
            ceiling: RwSignal::new(String::new()),
            k: RwSignal::new(String::new()),
        }
    }

    /// Fills the bids and ceiling from the project once.
    pub fn fill_from(&self, detail: &ProjectDetail) {
        if !self.bids.with_untracked(Vec::is_empty) {
            return;
        }
        self.bids.set(
            detail
                .bidders
                .iter()
                .map(|b| SampleBid {
                    bidder: b.id.clone(),
                    name: b.name.clone(),
                    price: b.bid_price.normalize().to_string(),
                    valid: true,
                })
                .collect(),
        );
        self.ceiling
            .set(detail.summary.ceiling_price.normalize().to_string());
    }
}

/// What the preview shows: an outcome, or why there is none.
#[derive(Debug, Clone, PartialEq)]
enum Preview {
    RulesInvalid,
    NoPriceRule,
    BadInput(String),
    Refused(Vec<Diagnostic>),
    Computed(PriceOutcome),
}

fn k_rule(rules: &Rules) -> Option<KRule> {
    match rules.price.as_ref().map(|p| &p.method) {
        Some(PriceMethod::Deviation { k, .. }) => *k,
        _ => None,
    }
}

/// The values a K rule allows: min, min + step, …, max.
fn k_choices(k: &KRule) -> Vec<Decimal> {
    let mut out = Vec::new();
    let mut v = k.min;
    while v <= k.max && out.len() < MAX_K_CHOICES && k.step > Decimal::ZERO {
        out.push(v.normalize());
        v += k.step;
    }
    out
}

fn compute(rules: &Rules, inputs: PreviewInputs) -> Preview {
    if rules.price.is_none() {
        return Preview::NoPriceRule;
    }
    let mut bids = Vec::new();
    for b in inputs.bids.get() {
        let Some(price) = parse_decimal(&b.price) else {
            return Preview::BadInput(format!("{}（{}）的报价不是有效数字", b.name, b.bidder));
        };
        bids.push(PriceInput {
            bidder: b.bidder,
            price,
            valid_after_preliminary: b.valid,
        });
    }
    let ceiling = match inputs.ceiling.get().trim() {
        "" => None,
        t => match parse_decimal(t) {
            Some(c) => Some(c),
            None => return Preview::BadInput("最高投标限价不是有效数字".into()),
        },
    };
    let k = match k_rule(rules) {
        None => None,
        Some(_) => match parse_decimal(&inputs.k.get()) {
            Some(k) => Some(k),
            None => return Preview::BadInput("请选择 K 值".into()),
        },
    };
    let request = PriceRequest { bids, ceiling, k };
    match compute_prices(rules, &request) {
        Ok(outcome) => Preview::Computed(outcome),
        Err(e) => Preview::Refused(e.0),
    }
}

#[component]
pub fn PricePreview(draft: Draft, inputs: PreviewInputs) -> impl IntoView {
    let preview = Memo::new(move |_| match draft.check.get() {
        Ok(rules) => compute(&rules, inputs),
        Err(_) => Preview::RulesInvalid,
    });
    // Offer the K values the draft allows; keep the chosen one when it still is.
    let choices = Memo::new(move |_| {
        draft.check.with(|c| {
            c.as_ref()
                .ok()
                .and_then(k_rule)
                .map(|k| k_choices(&k))
                .unwrap_or_default()
        })
    });
    Effect::new(move |_| {
        let list = choices.get();
        let current = parse_decimal(&inputs.k.get_untracked());
        if !list.is_empty() && !current.is_some_and(|c| list.contains(&c.normalize())) {
            inputs.k.set(list[0].to_string());
        }
    });
    // Rows are rebuilt only when the bidders change (the project's bids
    // arrive), not on every keystroke in a price.
    let roster = Memo::new(move |_| {
        inputs
            .bids
            .with(|b| b.iter().map(|x| x.bidder.clone()).collect::<Vec<_>>())
    });
    let rows = move || {
        roster.track();
        inputs
            .bids
            .get_untracked()
            .into_iter()
            .enumerate()
            .map(|(i, b)| view! { <BidRow inputs=inputs index=i bid=b preview=preview /> })
            .collect_view()
    };
    view! {
        <p class="muted tab-hint">
            "用本项目开标时唱出的报价试算价格分；报价和是否通过初步评审均可修改，仅用于试算，不会保存或提交。"
        </p>
        <div class="form-block preview-inputs">
            <label class="inline">
                <span>"最高投标限价（元）"</span>
                <input type="text" id="preview-ceiling" class="num-input money-input"
                    value=inputs.ceiling.get_untracked()
                    on:input=move |ev| inputs.ceiling.set(event_target_value(&ev)) />
            </label>
            {move || {
                let list = choices.get();
                (!list.is_empty()).then(|| view! {
                    <label class="inline">
                        <span>"K 值"</span>
                        <select id="preview-k" on:change=move |ev| inputs.k.set(event_target_value(&ev))>
                            {list
                                .into_iter()
                                .map(|v| {
                                    let s = v.to_string();
                                    let selected = inputs.k.get_untracked() == s;
                                    view! { <option value=s.clone() selected=selected>{s.clone()}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                })
            }}
        </div>
        <table class="grid compact preview-table" id="preview-table">
            <thead>
                <tr>
                    <th>"投标人"</th><th class="num">"投标报价（元）"</th><th>"通过初审"</th>
                    <th>"状态"</th><th class="num">"偏差率"</th><th class="num">"扣分"</th>
                    <th class="num">"价格分"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {move || match preview.get() {
            Preview::RulesInvalid => view! {
                <p class="notice" id="preview-status">"评标办法校验通过后才能试算。"</p>
            }
            .into_any(),
            Preview::NoPriceRule => view! {
                <p class="muted" id="preview-status">"此评标办法不计价格分。"</p>
            }
            .into_any(),
            Preview::BadInput(m) => view! {
                <p class="notice" id="preview-status">{m}</p>
            }
            .into_any(),
            Preview::Refused(list) => view! {
                <div class="validation bad" id="preview-status">
                    <strong>"无法试算"</strong>
                    <ul>
                        {list
                            .into_iter()
                            .map(|d| view! {
                                <li><span class="diag-msg">{d.message_zh}</span><code class="diag-code">{d.code}</code></li>
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
            .into_any(),
            Preview::Computed(o) => view! { <Explanation outcome=o /> }.into_any(),
        }}
    }
}

#[component]
fn BidRow(
    inputs: PreviewInputs,
    index: usize,
    bid: SampleBid,
    preview: Memo<Preview>,
) -> impl IntoView {
    let i = index;
    let who = bid.bidder.clone();
    let result = Memo::new(move |_| {
        preview.with(|p| match p {
            Preview::Computed(o) => row_result(o, &who),
            _ => RowResult::default(),
        })
    });
    view! {
        <tr data-bidder-id=bid.bidder.clone()>
            <td>
                <div>{bid.name.clone()}</div>
                <div class="fid">{bid.bidder.clone()}</div>
            </td>
            <td class="num">
                <input type="text" inputmode="decimal" id=format!("preview-price-{i}")
                    class="num-input money-input" value=bid.price.clone()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        inputs.bids.update(|b| if let Some(x) = b.get_mut(i) { x.price = v });
                    } />
            </td>
            <td class="center">
                <input type="checkbox" id=format!("preview-valid-{i}") checked=bid.valid
                    on:change=move |ev| {
                        let v = event_target_checked(&ev);
                        inputs.bids.update(|b| if let Some(x) = b.get_mut(i) { x.valid = v });
                    } />
            </td>
            <td class=move || result.get().status_class>{move || result.get().status}</td>
            <td class="num">{move || result.get().deviation}</td>
            <td class="num">{move || result.get().deduction}</td>
            <td class="num score" id=format!("preview-score-{}", bid.bidder)>
                {move || result.get().score}
            </td>
        </tr>
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct RowResult {
    status: String,
    status_class: &'static str,
    deviation: String,
    deduction: String,
    score: String,
}

fn row_result(o: &PriceOutcome, bidder: &str) -> RowResult {
    let Some(bid) = o.bids.iter().find(|b| b.bidder == bidder) else {
        return RowResult::default();
    };
    let trimmed = match &o.explanation.benchmark {
        Some(BenchmarkTrace::Weighted { components, .. }) => components.iter().any(|c| {
            c.mean.as_ref().is_some_and(|m| {
                m.dropped_highest
                    .iter()
                    .chain(&m.dropped_lowest)
                    .any(|d| d.bidder == bidder)
            })
        }),
        _ => false,
    };
    let mut r = RowResult {
        status: bid.status.name_zh().to_string(),
        status_class: if bid.status == BidStatus::Valid {
            "ok-text"
        } else {
            "bad-text"
        },
        score: bid.score.map_or_else(|| "—".into(), |s| s.to_string()),
        ..RowResult::default()
    };
    if trimmed {
        r.status.push_str("（平均时去除）");
    }
    let score = o.explanation.scores.iter().find(|s| s.bidder() == bidder);
    if let Some(ScoreTrace::Deviation {
        deviation_percent,
        deduction,
        ..
    }) = score
    {
        r.deviation = format!("{deviation_percent}%");
        r.deduction = deduction.normalize().to_string();
    }
    r
}

#[component]
fn Explanation(outcome: PriceOutcome) -> impl IntoView {
    let e = outcome.explanation;
    let benchmark = e.benchmark.as_ref().map(|b| b.value());
    view! {
        <div class="explanation" id="preview-explanation">
            {benchmark.map(|b| view! {
                <p class="benchmark" id="preview-benchmark">
                    "评标基准价 B = " <strong>{yuan(b)}</strong>
                </p>
            })}
            <h4>"计算过程"</h4>
            <ol class="prose" id="preview-prose">
                {e.prose_zh.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ol>
        </div>
    }
}
