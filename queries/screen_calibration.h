// queries/screen_calibration.h: the coefficients that turn a name match's evidence into a
// probability, and the default threshold. Written by `bench/screen_eval --write-calibration`
// (logistic regression on the labelled set of bench/SCREENING.md); do not edit by hand.
#pragma once

namespace skg::inline v1::calibration {
inline constexpr double kIntercept = -7.9029;
inline constexpr double kQueryShare = 4.1705;
inline constexpr double kNameShare = 3.2104;
inline constexpr double kMinSimilarity = -3.3407;
inline constexpr double kMatchedWeight = 2.6603;
inline constexpr double kOneWord = -0.0510;
inline constexpr double kWeak = -0.1977;
inline constexpr double kPerson = 0.6544;
inline constexpr double kMatchedWords = 0.5812;
inline constexpr double kInexactShare = -0.6814;
inline constexpr double kOneWordInexact = 1.1059;
inline constexpr double kTypoOnly = 3.6285;
inline constexpr double kDistinctiveCover = 0.1411;
inline constexpr double kDistinctiveExact = 1.2271;
inline constexpr double kThreshold = 0.59;
}  // namespace skg::calibration
