//! The desktop's local SQLite store: cache, drafts, outbox
