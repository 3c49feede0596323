// queries/screen_calibration.h: the coefficients that turn a name match's evidence into a
// probability, and the default threshold. Written by `bench/screen_eval --write-calibration`
// (logistic regression on the labelled set of bench/SCREENING.md); do not edit by hand.
#pragma once

namespace skg::calibration {
inline constexpr double kIntercept = -7.9554;
inline constexpr double kQueryShare = 4.1126;
inline constexpr double kNameShare = 3.9537;
inline constexpr double kMinSimilarity = -3.2343;
inline constexpr double kMatchedWeight = 2.4464;
inline constexpr double kOneWord = -0.3608;
inline constexpr double kWeak = -0.2086;
inline constexpr double kPerson = 0.7967;
inline constexpr double kMatchedWords = -0.0149;
inline constexpr double kInexactShare = -0.6884;
inline constexpr double kOneWordInexact = 1.0631;
inline constexpr double kTypoOnly = 3.8864;
inline constexpr double kDistinctiveCover = -0.0000;
inline constexpr double kDistinctiveExact = 4.0066;
inline constexpr double kThreshold = 0.60;
}  // namespace skg::calibration
