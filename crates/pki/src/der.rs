//! Just enough DER to split a signed structure (certificate, CRL) into the
//! exact bytes that were signed, the algorithm and the signature value.

/// The three parts of `SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }`.
pub(crate) struct SignedParts<'a> {
    pub tbs: &'a [u8],
    pub algorithm: &'a [u8],
    pub signature: &'a [u8],
}

/// One TLV read from the front of a buffer: (tag, whole TLV, content, rest).
type Tlv<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

/// Reads one TLV at the start of `input`.
fn read_tlv(input: &[u8]) -> Option<Tlv<'_>> {
    let tag = *input.first()?;
    let first = *input.get(1)?;
    let (len, header) = if first < 0x80 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *input.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    if end > input.len() {
        return None;
    }
    Some((tag, &input[..end], &input[header..end], &input[end..]))
}

/// Splits a signed structure; `None` if it is not shaped like one.
pub(crate) fn split_signed(der: &[u8]) -> Option<SignedParts<'_>> {
    let (tag, _, body, rest) = read_tlv(der)?;
    if tag != 0x30 || !rest.is_empty() {
        return None;
    }
    let (tbs_tag, tbs, _, body) = read_tlv(body)?;
    let (alg_tag, algorithm, _, body) = read_tlv(body)?;
    let (sig_tag, _, bits, body) = read_tlv(body)?;
    if tbs_tag != 0x30 || alg_tag != 0x30 || sig_tag != 0x03 || !body.is_empty() {
        return None;
    }
    // First content octet of a BIT STRING counts unused bits; signatures use whole bytes.
    let (&unused, signature) = bits.split_first()?;
    if unused != 0 {
        return None;
    }
    Some(SignedParts {
        tbs,
        algorithm,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_minimal_signed_structure() {
        // SEQUENCE { SEQUENCE{INTEGER 1}, SEQUENCE{OID 1.2}, BIT STRING 00 AA BB }
        let der = [
            0x30, 0x0f, 0x30, 0x03, 0x02, 0x01, 0x01, 0x30, 0x03, 0x06, 0x01, 0x2a, 0x03, 0x03,
            0x00, 0xaa, 0xbb,
        ];
        let p = split_signed(&der).expect("parts");
        assert_eq!(p.tbs, &[0x30, 0x03, 0x02, 0x01, 0x01]);
        assert_eq!(p.algorithm, &[0x30, 0x03, 0x06, 0x01, 0x2a]);
        assert_eq!(p.signature, &[0xaa, 0xbb]);
    }

    #[test]
    fn rejects_truncated_and_trailing_data() {
        let der = [0x30, 0x05, 0x30, 0x03, 0x02, 0x01];
        assert!(split_signed(&der).is_none());
        let der = [0x30, 0x00, 0x00];
        assert!(split_signed(&der).is_none());
    }
}
