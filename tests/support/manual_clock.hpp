#pragma once

#include <apiuser/clock.hpp>

namespace apiuser::test {

// A clock that moves only when the test says so.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(Timestamp start = *parse_timestamp("2026-01-02T03:04:05Z")) : now_(start) {}
    Timestamp now() const override { return now_; }
    void advance(std::chrono::seconds by) { now_ += by; }

  private:
    Timestamp now_;
};

}  // namespace apiuser::test
