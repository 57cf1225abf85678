//! Certificates, keys (PKCS#12, PKCS#11), trust, signed envelopes
