// queries/screen_calibration.h: the coefficients that turn a name match's evidence into a
// probability, and the default threshold. Written by `bench/screen_eval --write-calibration`
// (logistic regression on the labelled set of bench/SCREENING.md); do not edit by hand.
#pragma once

namespace skg::inline v1::calibration {
inline constexpr double kIntercept = -7.9672;
inline constexpr double kQueryShare = 4.1295;
inline constexpr double kNameShare = 3.2423;
inline constexpr double kMinSimilarity = -3.2287;
inline constexpr double kMatchedWeight = 2.7066;
inline constexpr double kOneWord = 0.3443;
inline constexpr double kWeak = -0.2520;
inline constexpr double kPerson = 0.5227;
inline constexpr double kMatchedWords = 0.5535;
inline constexpr double kInexactShare = -0.6627;
inline constexpr double kOneWordInexact = 0.5132;
inline constexpr double kTypoOnly = 3.4680;
inline constexpr double kDistinctiveCover = 0.0867;
inline constexpr double kDistinctiveExact = 1.2390;
inline constexpr double kThreshold = 0.70;
}  // namespace skg::calibration
