//! Grading submissions. The [`rubric`] says what each part and test is
//! worth and how a test's runs on the instructor's seeds earn its points.

pub mod rubric;
