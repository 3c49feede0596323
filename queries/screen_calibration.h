// queries/screen_calibration.h: the coefficients that turn a name match's evidence into a
// probability, and the default threshold. Written by `bench/screen_eval --write-calibration`
// (logistic regression on the labelled set of bench/SCREENING.md); do not edit by hand.
#pragma once

namespace skg::calibration {
inline constexpr double kIntercept = -12.1218;
inline constexpr double kQueryShare = 8.4953;
inline constexpr double kNameShare = 6.8894;
inline constexpr double kMinSimilarity = -2.9648;
inline constexpr double kMatchedWeight = 1.9403;
inline constexpr double kOneWord = -0.3730;
inline constexpr double kWeak = -0.1314;
inline constexpr double kPerson = 0.2312;
inline constexpr double kMatchedWords = -0.2871;
inline constexpr double kInexactShare = -0.5141;
inline constexpr double kOneWordInexact = 0.8954;
inline constexpr double kThreshold = 0.79;
}  // namespace skg::calibration
