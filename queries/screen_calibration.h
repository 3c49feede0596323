// queries/screen_calibration.h: the coefficients that turn a name match's evidence into a
// probability, and the default threshold. Written by `bench/screen_eval --write-calibration`
// (logistic regression on the labelled set of bench/SCREENING.md); do not edit by hand.
#pragma once

namespace skg::inline v1::calibration {
inline constexpr double kIntercept = -7.9653;
inline constexpr double kQueryShare = 4.1967;
inline constexpr double kNameShare = 3.2150;
inline constexpr double kMinSimilarity = -3.2466;
inline constexpr double kMatchedWeight = 2.7382;
inline constexpr double kOneWord = -0.0690;
inline constexpr double kWeak = -0.2563;
inline constexpr double kPerson = 0.4758;
inline constexpr double kMatchedWords = 0.4963;
inline constexpr double kInexactShare = -0.6383;
inline constexpr double kOneWordInexact = 0.9841;
inline constexpr double kTypoOnly = 3.4137;
inline constexpr double kDistinctiveCover = 0.1052;
inline constexpr double kDistinctiveExact = 1.3697;
inline constexpr double kThreshold = 0.66;
}  // namespace skg::calibration
