// queries/screen_calibration.h: the coefficients that turn a name match's evidence into a
// probability, and the default threshold. Written by `bench/screen_eval --write-calibration`
// (logistic regression on the labelled set of bench/SCREENING.md); do not edit by hand.
#pragma once

namespace skg::inline v1::calibration {
inline constexpr double kIntercept = -8.1996;
inline constexpr double kQueryShare = 4.1355;
inline constexpr double kNameShare = 3.8500;
inline constexpr double kMinSimilarity = -3.0816;
inline constexpr double kMatchedWeight = 2.4879;
inline constexpr double kOneWord = 0.3877;
inline constexpr double kWeak = -0.2384;
inline constexpr double kPerson = 0.8625;
inline constexpr double kMatchedWords = 0.1450;
inline constexpr double kInexactShare = -0.9014;
inline constexpr double kOneWordInexact = 0.6367;
inline constexpr double kTypoOnly = 3.8517;
inline constexpr double kDistinctiveCover = -0.1101;
inline constexpr double kDistinctiveExact = 1.3563;
inline constexpr double kThreshold = 0.69;
}  // namespace skg::calibration
