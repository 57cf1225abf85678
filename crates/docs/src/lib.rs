//! Bid document text extraction (isolated) and Chinese full-text search
