//! Wire types of the platform API: the one contract between client and platform
