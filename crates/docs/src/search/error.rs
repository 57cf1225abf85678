use thiserror::Error;

/// Search errors: stable codes, Chinese messages.
#[derive(Debug, Error)]
pub enum SearchError {
    #[error("请输入检索词")]
    EmptyQuery,
    #[error("检索数据库出错：{0}")]
    Database(#[from] rusqlite::Error),
    /// The postings do not decode (a damaged database): re-index the documents.
    #[error("检索索引已损坏，请重新建立索引")]
    CorruptIndex,
}

impl SearchError {
    pub fn code(&self) -> &'static str {
        match self {
            SearchError::EmptyQuery => "empty_query",
            SearchError::Database(_) => "search_database",
            SearchError::CorruptIndex => "search_index_corrupt",
        }
    }
}
