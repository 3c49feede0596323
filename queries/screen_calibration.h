// queries/screen_calibration.h: the coefficients that turn a name match's evidence into a
// probability, and the default threshold. Written by `bench/screen_eval --write-calibration`
// (logistic regression on the labelled set of bench/SCREENING.md); do not edit by hand.
#pragma once

namespace skg::calibration {
inline constexpr double kIntercept = -9.0;
inline constexpr double kQueryShare = 6.0;
inline constexpr double kNameShare = 3.0;
inline constexpr double kMinSimilarity = 3.0;
inline constexpr double kMatchedWeight = 1.0;
inline constexpr double kOneWord = -1.0;
inline constexpr double kWeak = -1.0;
inline constexpr double kThreshold = 0.7;
}  // namespace skg::calibration
