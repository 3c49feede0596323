// queries/screen_calibration.h: the coefficients that turn a name match's evidence into a
// probability, and the default threshold. Written by `bench/screen_eval --write-calibration`
// (logistic regression on the labelled set of bench/SCREENING.md); do not edit by hand.
#pragma once

namespace skg::inline v1::calibration {
inline constexpr double kIntercept = -7.9231;
inline constexpr double kQueryShare = 4.1923;
inline constexpr double kNameShare = 3.2348;
inline constexpr double kMinSimilarity = -3.3521;
inline constexpr double kMatchedWeight = 2.6968;
inline constexpr double kOneWord = 0.0151;
inline constexpr double kWeak = -0.2152;
inline constexpr double kPerson = 0.6354;
inline constexpr double kMatchedWords = 0.5163;
inline constexpr double kInexactShare = -0.6968;
inline constexpr double kOneWordInexact = 0.9247;
inline constexpr double kTypoOnly = 3.6469;
inline constexpr double kDistinctiveCover = 0.1271;
inline constexpr double kDistinctiveExact = 1.2446;
inline constexpr double kThreshold = 0.60;
}  // namespace skg::calibration
