//! 5GMM procedures (TS 24.501 §5).
