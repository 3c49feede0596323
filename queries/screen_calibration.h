// queries/screen_calibration.h: the coefficients that turn a name match's evidence into a
// probability, and the default threshold. Written by `bench/screen_eval --write-calibration`
// (logistic regression on the labelled set of bench/SCREENING.md); do not edit by hand.
#pragma once

namespace skg::calibration {
inline constexpr double kIntercept = -11.3709;
inline constexpr double kQueryShare = 7.8738;
inline constexpr double kNameShare = 6.9286;
inline constexpr double kMinSimilarity = -3.4137;
inline constexpr double kMatchedWeight = 2.2298;
inline constexpr double kOneWord = -0.1824;
inline constexpr double kWeak = -0.3758;
inline constexpr double kPerson = 0.2839;
inline constexpr double kMatchedWords = -0.6926;
inline constexpr double kInexactShare = -0.1417;
inline constexpr double kOneWordInexact = 0.0;
inline constexpr double kThreshold = 0.83;
}  // namespace skg::calibration
