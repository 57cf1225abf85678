//! FlateDecode streams. miniz_oxide is deterministic for a given level, so
//! equal input gives equal bytes.

pub(crate) fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}
