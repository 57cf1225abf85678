//! Evaluation rules (评标办法): model, validation and exact scoring engine. Pure, no I/O.
