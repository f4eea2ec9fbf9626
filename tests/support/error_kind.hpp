#pragma once

#include <functional>

#include <catch2/catch.hpp>

#include <apiuser/errors.hpp>

namespace apiuser::test {

// Runs `f` and returns the kind of the apiuser::Error it throws; fails the test if it throws none.
inline ErrorKind kind_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.kind();
    }
    FAIL("no apiuser::Error was thrown");
    return ErrorKind::store;
}

}  // namespace apiuser::test
