// queries/screen_calibration.h: the coefficients that turn a name match's evidence into a
// probability, and the default threshold. Written by `bench/screen_eval --write-calibration`
// (logistic regression on the labelled set of bench/SCREENING.md); do not edit by hand.
#pragma once

namespace skg::calibration {
inline constexpr double kIntercept = -7.9710;
inline constexpr double kQueryShare = 5.6898;
inline constexpr double kNameShare = 3.6287;
inline constexpr double kMinSimilarity = -3.2412;
inline constexpr double kMatchedWeight = 2.4500;
inline constexpr double kOneWord = -0.7910;
inline constexpr double kWeak = -0.2074;
inline constexpr double kPerson = 0.2878;
inline constexpr double kMatchedWords = -0.9101;
inline constexpr double kInexactShare = -1.4599;
inline constexpr double kOneWordInexact = 1.0450;
inline constexpr double kTypoOnly = 3.4390;
inline constexpr double kDistinctiveCover = 0.7573;
inline constexpr double kThreshold = 0.68;
}  // namespace skg::calibration
