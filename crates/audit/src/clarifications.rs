//! Clarification (澄清) in a package: every question the platform's signed
//! panel record lists is present, signed by the recorded panel leader with
//! the platform's receipt, and nothing else is — except the abnormal-price
//! reviews the rules open, which the platform signs itself: each must be
//! for a bid the signed rules flag at the opening prices, and each bid they
//! flag must have one once the panel had a leader; every answer the record
//! says arrived is present, signed by the addressed bidder's own
//! certificate, received by the platform no later than the question's
//! deadline, for a question in the package.

use crate::audit::{docs, Audit};
use crate::person::PersonDoc;
use pingshen_api::{
    ClarificationAnswer, ClarificationQuestion, EvaluationPackage, OpeningRecord, PanelRecord,
    Role, CLARIFICATION_ANSWER_TYP, CLARIFICATION_QUESTION_TYP, PLATFORM_ASKER,
};
use pingshen_rules::Rules;

pub(crate) fn check(
    a: &mut Audit<'_>,
    panel: &PanelRecord,
    p: &EvaluationPackage,
    rules: Option<&Rules>,
    opening: &OpeningRecord,
) {
    let questions: Vec<(usize, PersonDoc<ClarificationQuestion>)> = docs(
        a,
        "clarification_questions",
        &p.clarification_questions,
        |a, m, item| {
            a.person_or_platform_doc(
                m,
                item,
                CLARIFICATION_QUESTION_TYP,
                "clarification_question",
                Role::Expert,
                Some(PLATFORM_ASKER),
                |q: &ClarificationQuestion| q.asked_by.clone(),
                |q| q.project_id.clone(),
            )
        },
    );
    let answers: Vec<(usize, PersonDoc<ClarificationAnswer>)> = docs(
        a,
        "clarification_answers",
        &p.clarification_answers,
        |a, m, item| {
            a.person_doc(
                m,
                item,
                CLARIFICATION_ANSWER_TYP,
                "clarification_answer",
                Role::Bidder,
                |x: &ClarificationAnswer| x.bidder_id.clone(),
                |x| x.project_id.clone(),
            )
        },
    );

    // The bids the signed rules flag at the opening prices.
    let flagged: Vec<String> = rules
        .and_then(|r| r.abnormally_low.as_ref())
        .map(|section| {
            pingshen_rules::abnormal_at_opening(
                section,
                opening.bids.iter().map(|b| (b.bidder_id.as_str(), b.price)),
                opening.ceiling_price,
            )
            .into_iter()
            .map(|r| r.bidder)
            .collect()
        })
        .unwrap_or_default();
    let position = |id: &str| {
        panel
            .clarifications
            .iter()
            .position(|c| c.clarification_id == id)
            .unwrap_or(usize::MAX)
    };
    a.canonical_order(
        "clarification_questions",
        &questions
            .iter()
            .map(|(i, q)| (*i, format!("{:06}", position(&q.doc.clarification_id))))
            .collect::<Vec<_>>(),
    );
    a.canonical_order(
        "clarification_answers",
        &answers
            .iter()
            .map(|(i, x)| (*i, format!("{:06}", position(&x.doc.clarification_id))))
            .collect::<Vec<_>>(),
    );

    for (i, q) in &questions {
        let member = format!("clarification_questions[{i}]");
        let listed = panel.clarifications.iter().any(|r| {
            r.clarification_id == q.doc.clarification_id
                && r.bidder_id == q.doc.bidder_id
                && r.asked_by == q.doc.asked_by
        });
        if !listed {
            a.problem(
                "unrecorded_clarification",
                &member,
                Some(&q.doc.asked_by),
                format!("澄清问题 {} 不在平台记载之中", q.doc.clarification_id),
            );
        }
        if q.doc.asked_by == PLATFORM_ASKER {
            if !flagged.iter().any(|b| b == &q.doc.bidder_id) {
                a.problem(
                    "unflagged_review",
                    &member,
                    Some(&q.doc.bidder_id),
                    format!(
                        "平台向 {} 发出了异常低价说明要求，而已签名的评标办法按开标价并未标记该报价",
                        q.doc.bidder_id
                    ),
                );
            }
        } else if panel.leader.as_deref() != Some(q.doc.asked_by.as_str()) {
            a.problem(
                "not_leader",
                &member,
                Some(&q.doc.asked_by),
                format!(
                    "澄清问题由 {} 发出，而评标组长是 {}",
                    q.doc.asked_by,
                    panel.leader.as_deref().unwrap_or("无")
                ),
            );
        }
    }
    if panel.leader.is_some() {
        for b in &flagged {
            let opened = questions
                .iter()
                .any(|(_, q)| q.doc.asked_by == PLATFORM_ASKER && &q.doc.bidder_id == b);
            if !opened {
                a.problem(
                    "missing_review",
                    "clarification_questions",
                    Some(b),
                    format!("评标办法按开标价标记了 {b} 的报价异常偏低，档案包中却没有平台向其发出的说明要求"),
                );
            }
        }
    }
    for r in &panel.clarifications {
        if !questions
            .iter()
            .any(|(_, q)| q.doc.clarification_id == r.clarification_id)
        {
            a.problem(
                "missing_clarification",
                "clarification_questions",
                Some(&r.asked_by),
                format!("缺少致 {} 的澄清问题 {}", r.bidder_id, r.clarification_id),
            );
        }
        let answered = answers
            .iter()
            .any(|(_, x)| x.doc.clarification_id == r.clarification_id);
        if r.answered && !answered {
            a.problem(
                "missing_answer",
                "clarification_answers",
                Some(&r.bidder_id),
                format!(
                    "缺少 {} 对澄清问题 {} 的答复",
                    r.bidder_id, r.clarification_id
                ),
            );
        }
        if !r.answered && answered {
            a.problem(
                "unrecorded_answer",
                "clarification_answers",
                Some(&r.bidder_id),
                format!(
                    "平台记载澄清问题 {} 未获答复，档案包中却有答复",
                    r.clarification_id
                ),
            );
        }
    }
    for (i, x) in &answers {
        let member = format!("clarification_answers[{i}]");
        let Some((_, q)) = questions
            .iter()
            .find(|(_, q)| q.doc.clarification_id == x.doc.clarification_id)
        else {
            a.problem(
                "unsolicited",
                &member,
                Some(&x.doc.bidder_id),
                format!("{} 的答复所对应的澄清问题不在档案包中", x.doc.bidder_id),
            );
            continue;
        };
        if q.doc.bidder_id != x.doc.bidder_id {
            a.problem(
                "unsolicited",
                &member,
                Some(&x.doc.bidder_id),
                format!(
                    "澄清问题是向 {} 提出的，答复却来自 {}",
                    q.doc.bidder_id, x.doc.bidder_id
                ),
            );
        }
        if x.receipt.received_at > q.doc.deadline {
            a.problem(
                "deadline_passed",
                &member,
                Some(&x.doc.bidder_id),
                format!("{} 的答复在截止时间之后才被平台签收", x.doc.bidder_id),
            );
        }
    }
    a.checked.clarifications = questions.len();
    a.checked.clarification_answers = answers.len();
}
