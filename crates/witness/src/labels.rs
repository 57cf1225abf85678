//! What a witness classifies each observation by: the stage of the process
//! and whether it is normal or which irregularity. Signed as snake_case; the
//! Chinese labels are for display only.

use serde::{Deserialize, Serialize};

/// The stage of opening and evaluation the observation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WitnessStage {
    /// 开标
    Opening,
    /// 评标准备
    Preparation,
    /// 初步评审
    PreliminaryReview,
    /// 详细评审
    DetailedReview,
    /// 汇总
    Summary,
    /// 其他
    Other,
}

impl WitnessStage {
    /// Every stage, in the order of the process (for pickers).
    pub const ALL: [WitnessStage; 6] = [
        WitnessStage::Opening,
        WitnessStage::Preparation,
        WitnessStage::PreliminaryReview,
        WitnessStage::DetailedReview,
        WitnessStage::Summary,
        WitnessStage::Other,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            WitnessStage::Opening => "开标",
            WitnessStage::Preparation => "评标准备",
            WitnessStage::PreliminaryReview => "初步评审",
            WitnessStage::DetailedReview => "详细评审",
            WitnessStage::Summary => "汇总",
            WitnessStage::Other => "其他",
        }
    }

    /// The signed (snake_case) name.
    pub fn as_str(self) -> &'static str {
        match self {
            WitnessStage::Opening => "opening",
            WitnessStage::Preparation => "preparation",
            WitnessStage::PreliminaryReview => "preliminary_review",
            WitnessStage::DetailedReview => "detailed_review",
            WitnessStage::Summary => "summary",
            WitnessStage::Other => "other",
        }
    }
}

/// Normal, or the kind of irregularity observed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WitnessCategory {
    /// 正常
    Normal,
    /// 专家迟到
    ExpertLate,
    /// 使用通讯设备
    CommunicationDevice,
    /// 私下交流
    PrivateConversation,
    /// 评审超时
    ReviewOvertime,
    /// 系统故障
    SystemFailure,
    /// 其他
    Other,
}

impl WitnessCategory {
    /// Every category, normal first (for pickers).
    pub const ALL: [WitnessCategory; 7] = [
        WitnessCategory::Normal,
        WitnessCategory::ExpertLate,
        WitnessCategory::CommunicationDevice,
        WitnessCategory::PrivateConversation,
        WitnessCategory::ReviewOvertime,
        WitnessCategory::SystemFailure,
        WitnessCategory::Other,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            WitnessCategory::Normal => "正常",
            WitnessCategory::ExpertLate => "专家迟到",
            WitnessCategory::CommunicationDevice => "使用通讯设备",
            WitnessCategory::PrivateConversation => "私下交流",
            WitnessCategory::ReviewOvertime => "评审超时",
            WitnessCategory::SystemFailure => "系统故障",
            WitnessCategory::Other => "其他",
        }
    }

    /// The signed (snake_case) name.
    pub fn as_str(self) -> &'static str {
        match self {
            WitnessCategory::Normal => "normal",
            WitnessCategory::ExpertLate => "expert_late",
            WitnessCategory::CommunicationDevice => "communication_device",
            WitnessCategory::PrivateConversation => "private_conversation",
            WitnessCategory::ReviewOvertime => "review_overtime",
            WitnessCategory::SystemFailure => "system_failure",
            WitnessCategory::Other => "other",
        }
    }

    /// Everything but [`WitnessCategory::Normal`] is an irregularity and
    /// goes into the report's list of irregularities.
    pub fn is_irregular(self) -> bool {
        self != WitnessCategory::Normal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_names_are_the_serde_names() {
        for s in WitnessStage::ALL {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        for c in WitnessCategory::ALL {
            assert_eq!(
                serde_json::to_value(c).unwrap(),
                serde_json::json!(c.as_str())
            );
        }
    }

    #[test]
    fn only_normal_is_regular() {
        let irregular: Vec<_> = WitnessCategory::ALL
            .iter()
            .filter(|c| c.is_irregular())
            .map(|c| c.label_zh())
            .collect();
        assert_eq!(
            irregular,
            [
                "专家迟到",
                "使用通讯设备",
                "私下交流",
                "评审超时",
                "系统故障",
                "其他"
            ]
        );
    }
}
