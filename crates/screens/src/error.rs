//! Errors: inputs the screens cannot work on. Each has a stable code and a
//! Chinese message (its `Display`).

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScreenError {
    #[error("投标人编号不能为空（第{index}份投标文件）")]
    EmptyBidder { index: usize },
    #[error("投标人编号“{bidder}”重复出现")]
    DuplicateBidder { bidder: String },
    #[error("投标文件过多（{count}份，上限{limit}份）")]
    TooManyBids { count: usize, limit: usize },
    #[error("投标人“{bidder}”的报价{price}不是正数")]
    NonPositivePrice { bidder: String, price: String },
    #[error("投标人“{bidder}”的报价{price}过大")]
    PriceTooLarge { bidder: String, price: String },
    #[error("最高投标限价{price}无效（须为正数且不超过上限）")]
    InvalidCeiling { price: String },
    #[error("筛查参数“{name}”无效：{reason}")]
    InvalidSetting { name: String, reason: String },
}

impl ScreenError {
    /// Stable snake_case code for programs.
    pub fn code(&self) -> &'static str {
        match self {
            ScreenError::EmptyBidder { .. } => "empty_bidder",
            ScreenError::DuplicateBidder { .. } => "duplicate_bidder",
            ScreenError::TooManyBids { .. } => "too_many_bids",
            ScreenError::NonPositivePrice { .. } => "non_positive_price",
            ScreenError::PriceTooLarge { .. } => "price_too_large",
            ScreenError::InvalidCeiling { .. } => "invalid_ceiling",
            ScreenError::InvalidSetting { .. } => "invalid_setting",
        }
    }

    pub(crate) fn setting(name: &str, reason: impl Into<String>) -> Self {
        ScreenError::InvalidSetting {
            name: name.to_string(),
            reason: reason.into(),
        }
    }
}
