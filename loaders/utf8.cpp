// The UTF-8 check of loaders/utf8.h. One set of rules with find_invalid_utf8 (loaders/source.cpp):
// this file only answers "valid or not" faster; the offset of an error is always that function's.
#include "skg/loaders/utf8.h"

#include <cstdint>
#include <cstring>

#include "skg/loaders/source.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SKG_UTF8_SSSE3 1
#endif

namespace skg::inline v1::detail {

namespace {

#if defined(SKG_UTF8_SSSE3)

// The lookup check (Keiser and Lemire 2021, section 5): each error of a two-byte window (a byte
// and the one before it) has a bit; three 16-entry tables give, for the high nibble of the byte
// before, its low nibble, and the high nibble of the byte itself, the errors each allows. A window
// is in error when all three tables name one error. Table 3-7's rules, as windows:
constexpr std::uint8_t kTooShort = 1 << 0;     // a lead byte, then ASCII or another lead
constexpr std::uint8_t kTooLong = 1 << 1;      // ASCII, then a continuation byte
constexpr std::uint8_t kOverlong3 = 1 << 2;    // E0 then 80..9F
constexpr std::uint8_t kTooLarge = 1 << 3;     // F4 then 90..BF, or F5..FF then 90..BF
constexpr std::uint8_t kSurrogate = 1 << 4;    // ED then A0..BF (U+D800..U+DFFF)
constexpr std::uint8_t kOverlong2 = 1 << 5;    // C0 or C1, then a continuation
constexpr std::uint8_t kTooLarge1000 = 1 << 6;  // F5..FF then 80..8F
constexpr std::uint8_t kOverlong4 = 1 << 6;    // F0 then 80..8F (shares the bit: both are F_ then 8_)
constexpr std::uint8_t kTwoConts = 1 << 7;     // two continuations: wrong unless a third or fourth byte
constexpr std::uint8_t kCarry = kTooShort | kTooLong | kTwoConts;  // the rules that hold for any low nibble

#define SKG_SSSE3 __attribute__((target("ssse3")))

/// The error bits of the 16 windows that end in `input`'s bytes (`previous` is the 16 bytes
/// before): nonzero somewhere when a byte breaks a rule.
SKG_SSSE3 inline __m128i block_errors(__m128i input, __m128i previous) noexcept {
  const __m128i by_high_before = _mm_setr_epi8(
      kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong, kTooLong,  // 0_______
      kTwoConts, kTwoConts, kTwoConts, kTwoConts,                                       // 10______
      kTooShort | kOverlong2,                                                           // 1100____
      kTooShort,                                                                        // 1101____
      kTooShort | kOverlong3 | kSurrogate,                                              // 1110____
      static_cast<char>(kTooShort | kTooLarge | kTooLarge1000 | kOverlong4));           // 1111____
  const __m128i by_low_before = _mm_setr_epi8(
      static_cast<char>(kCarry | kOverlong3 | kOverlong2 | kOverlong4),  // ____0000
      static_cast<char>(kCarry | kOverlong2),                            // ____0001
      static_cast<char>(kCarry), static_cast<char>(kCarry),              // ____001_
      static_cast<char>(kCarry | kTooLarge),                             // ____0100
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000), static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000), static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000), static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000), static_cast<char>(kCarry | kTooLarge | kTooLarge1000),
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000 | kSurrogate),  // ____1101
      static_cast<char>(kCarry | kTooLarge | kTooLarge1000), static_cast<char>(kCarry | kTooLarge | kTooLarge1000));
  const __m128i by_high = _mm_setr_epi8(
      kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort, kTooShort,  // 0_______
      static_cast<char>(kTooLong | kOverlong2 | kTwoConts | kOverlong3 | kTooLarge1000 | kOverlong4),  // 1000____
      static_cast<char>(kTooLong | kOverlong2 | kTwoConts | kOverlong3 | kTooLarge),                   // 1001____
      static_cast<char>(kTooLong | kOverlong2 | kTwoConts | kSurrogate | kTooLarge),                   // 1010____
      static_cast<char>(kTooLong | kOverlong2 | kTwoConts | kSurrogate | kTooLarge),                   // 1011____
      kTooShort, kTooShort, kTooShort, kTooShort);                                                     // 11______
  const __m128i nibble = _mm_set1_epi8(0x0F);
  const __m128i before = _mm_alignr_epi8(input, previous, 15);  // each byte's predecessor
  const __m128i high_before = _mm_and_si128(_mm_srli_epi16(before, 4), nibble);
  const __m128i low_before = _mm_and_si128(before, nibble);
  const __m128i high = _mm_and_si128(_mm_srli_epi16(input, 4), nibble);
  const __m128i special = _mm_and_si128(
      _mm_and_si128(_mm_shuffle_epi8(by_high_before, high_before), _mm_shuffle_epi8(by_low_before, low_before)),
      _mm_shuffle_epi8(by_high, high));
  // A byte two after a lead of three or four bytes (E0..FF), or three after a lead of four
  // (F0..FF), must be a continuation following a continuation: there kTwoConts is the rule, and
  // its absence the error. Saturating subtraction sets the top bit exactly for those leads.
  const __m128i two_before = _mm_alignr_epi8(input, previous, 14);
  const __m128i three_before = _mm_alignr_epi8(input, previous, 13);
  const __m128i third = _mm_subs_epu8(two_before, _mm_set1_epi8(static_cast<char>(0xE0 - 0x80)));
  const __m128i fourth = _mm_subs_epu8(three_before, _mm_set1_epi8(static_cast<char>(0xF0 - 0x80)));
  const __m128i must_continue = _mm_and_si128(_mm_or_si128(third, fourth), _mm_set1_epi8(static_cast<char>(0x80)));
  return _mm_xor_si128(must_continue, special);
}

SKG_SSSE3 bool valid_utf8_ssse3(const char* data, std::size_t size) noexcept {
  const __m128i zero = _mm_setzero_si128();
  __m128i errors = zero, previous = zero;
  bool previous_ascii = true;  // nothing before the text: as if ASCII
  std::size_t at = 0;
  while (at + 16 <= size) {
    // A run of ASCII after ASCII breaks no rule: 64 bytes a step through it.
    if (previous_ascii && at + 64 <= size) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at));
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at + 16));
      const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at + 32));
      const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at + 48));
      if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d))) == 0) {
        previous = d;
        at += 64;
        continue;
      }
    }
    const __m128i input = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + at));
    const bool ascii = _mm_movemask_epi8(input) == 0;
    // ASCII after a block past ASCII is checked: the block before may end inside a sequence.
    if (!(ascii && previous_ascii)) errors = _mm_or_si128(errors, block_errors(input, previous));
    previous = input;
    previous_ascii = ascii;
    at += 16;
  }
  if (at < size) {  // the last bytes, then zeros: a sequence cut short by the end meets ASCII
    alignas(16) char last[16] = {};
    std::memcpy(last, data + at, size - at);
    const __m128i input = _mm_load_si128(reinterpret_cast<const __m128i*>(last));
    errors = _mm_or_si128(errors, block_errors(input, previous));
    previous = input;
  }
  errors = _mm_or_si128(errors, block_errors(zero, previous));  // a sequence the end cuts short
  return _mm_movemask_epi8(_mm_cmpeq_epi8(errors, zero)) == 0xFFFF;
}

#undef SKG_SSSE3

#endif

}  // namespace

bool valid_utf8(std::string_view text) noexcept {
#if defined(SKG_UTF8_SSSE3)
  static const bool ssse3 = __builtin_cpu_supports("ssse3") != 0;
  if (ssse3) return valid_utf8_ssse3(text.data(), text.size());
#endif
  return find_invalid_utf8(text) == std::string_view::npos;
}

std::size_t first_invalid_utf8(std::string_view text) noexcept {
  return valid_utf8(text) ? std::string_view::npos : find_invalid_utf8(text);
}

}  // namespace skg::detail
