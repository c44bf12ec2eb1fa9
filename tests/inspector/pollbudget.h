// How long one poll of 10,000 timers may take in the tests: within the 100 ms between polls in
// a normal build, and a loose bound under sanitizers, which slow every instrumented loop, lock
// and signal many times over (TSan: 1.7 s seen on 2 busy cores).
#pragma once

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#  define HAVEL_TEST_SANITIZED 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#    define HAVEL_TEST_SANITIZED 1
#  endif
#endif

#ifdef HAVEL_TEST_SANITIZED
inline constexpr long long kPollBudgetMs = 5000;
#else
inline constexpr long long kPollBudgetMs = 100;
#endif
