//! Collusion and anomaly screens (串标分析). Pure, no I/O.
